"""The incentive initiative's amounts and rules, per state (configuration).

Kentucky's come from the initiative's own slide: $100 once for onboarding, $10 per
closed referral, $10 per completed assessment, paid monthly by United Way to
approved not-for-profit organizations actively serving the state; state agencies,
for-profit organizations and hospitals excluded. A new state adds its entry here;
the report stores the rules it used, so a past month is always paid by its rules.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from django.conf import settings


@dataclass(frozen=True)
class IncentiveRules:
    currency: str = "USD"
    onboarding_cents: int = 10_000
    closed_referral_cents: int = 1_000
    assessment_cents: int = 1_000
    # Eligibility (docs/metrics.md, "Incentive report").
    eligible_tax_statuses: tuple[str, ...] = ("nonprofit",)
    excluded_kinds: tuple[str, ...] = ("state_agency", "hospital")
    # Anti-gaming: activity held for review instead of paid.
    self_close_minutes: int = 10
    repeat_assessment_days: int = 30
    burst_factor: float = 3.0
    burst_minimum: int = 20
    burst_history_months: int = 6
    burst_min_history_months: int = 3
    rules_version: str = "1"
    flags_enabled: tuple[str, ...] = field(
        default=("self_closed_quickly", "closed_without_activity", "repeat_assessment", "burst")
    )

    def as_json(self) -> dict:
        data = asdict(self)
        return {key: list(value) if isinstance(value, tuple) else value for key, value in data.items()}


STATE_RULES: dict[str, IncentiveRules] = {
    "KY": IncentiveRules(),
}


def rules_for_state(state: str | None = None) -> IncentiveRules:
    return STATE_RULES[state or settings.WAYFINDER_STATE]
