"""Who the incentive initiative pays: from the data a reviewer sets on the organization."""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from .rules import IncentiveRules

REASONS = {
    "": _("Eligible"),
    "no_partner_record": _("Not a registered partner organization"),
    "not_onboarded": _("Has not completed onboarding"),
    "not_serving_state": _("Not actively serving residents in the state"),
    "kind:state_agency": _("State agencies are excluded"),
    "kind:hospital": _("Hospitals are excluded"),
    "tax:for_profit": _("For-profit organizations are excluded"),
    "tax:government": _("Government organizations are excluded"),
}


@dataclass(frozen=True)
class Eligibility:
    eligible: bool
    reason: str  # a code of REASONS ("" when eligible)

    @property
    def label(self) -> str:
        return str(REASONS.get(self.reason, self.reason))


def eligibility(partner, rules: IncentiveRules) -> Eligibility:
    """Eligible: an onboarded partner that actively serves the state, is not of an
    excluded type (state agency, hospital) and has an eligible tax status
    (not-for-profit). The first rule an organization fails is its reason."""
    if partner is None:
        return Eligibility(False, "no_partner_record")
    if partner.onboarded_at is None:
        return Eligibility(False, "not_onboarded")
    if not partner.serves_state:
        return Eligibility(False, "not_serving_state")
    if partner.kind in rules.excluded_kinds:
        return Eligibility(False, f"kind:{partner.kind}")
    if partner.tax_status not in rules.eligible_tax_statuses:
        return Eligibility(False, f"tax:{partner.tax_status}")
    return Eligibility(True, "")
