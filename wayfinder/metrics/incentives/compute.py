"""The month's incentive amounts, computed from the records (through the facts).

``compute`` only reads. It is called to make a report and to check one later
(``store.verify``): the same month gives the same rows, whatever happened since,
because everything it counts is fixed by the month's records — closures and
assessments are dated, onboarding has its date, and released holds carry the
month that paid them.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.db.models import Min

from ..definitions import local_day, month_start, next_month
from ..models import AssessmentFact, Closer, HeldItem, IncentiveReport, MonthlyTally, ReferralFact
from . import flags
from .eligibility import eligibility
from .rules import IncentiveRules


@dataclass
class Draft:
    month: date
    rows: list[dict]
    held: list[flags.Item] = field(default_factory=list)
    total_cents: int = 0


def month_span(month: date) -> tuple[date, date]:
    return month, next_month(month) - timedelta(days=1)


def _onboarding_already_paid(month: date) -> set[str]:
    """Organizations paid the onboarding amount in an earlier month (latest versions)."""
    latest: dict = {}
    for report in IncentiveReport.objects.filter(month__lt=month).order_by("month", "version"):
        latest[report.month] = report
    return {row["organization_id"] for report in latest.values() for row in report.rows if row.get("onboarding")}


def _addresses(organization_ids) -> dict[str, str]:
    """A mailing address per organization: a postal address if it has one."""
    from wayfinder.directory.models import Address

    found: dict[str, tuple] = {}
    rows = Address.objects.filter(location__organization_id__in=list(organization_ids)).values_list(
        "location__organization_id", "address_type", "address_1", "address_2", "city", "state_province", "postal_code"
    )
    for org_id, _kind, line1, line2, city, state, postal in sorted(
        rows, key=lambda r: (str(r[0]), r[1] != "postal", r[2])
    ):
        key = str(org_id)
        if key not in found:
            street = ", ".join(part for part in (line1, line2) if part)
            found[key] = (street, f"{city}, {state} {postal}".strip(", "))
    return {key: " — ".join(part for part in value if part) for key, value in found.items()}


def compute(month: date, rules: IncentiveRules, released: list[HeldItem]) -> Draft:
    """Rows for every organization with paid, held or excluded activity in ``month``."""
    from wayfinder.directory.models import Organization
    from wayfinder.partners.models import Partner

    first, last = month_span(month)
    closures = list(
        ReferralFact.objects.filter(
            closed_day__gte=first, closed_day__lte=last, closer=Closer.RECEIVING_ORGANIZATION
        ).only("referral_id", "receiving_org_id", "sending_org_id", "created_at", "closed_at", "status_moves", "notes")
    )
    assessments = list(
        AssessmentFact.objects.filter(
            completed_day__gte=first, completed_day__lte=last, organization_id__isnull=False
        ).only("assessment_id", "organization_id", "resident_id", "completed_at")
    )
    onboarded = {
        str(pk): at
        for pk, at in Organization.objects.filter(partner_since__isnull=False).values_list("id", "partner_since")
        if first <= local_day(at) <= last
    }
    org_ids = (
        {str(f.receiving_org_id) for f in closures}
        | {str(a.organization_id) for a in assessments}
        | set(onboarded)
        | {str(item.organization_id) for item in released}
    )
    partners = {
        str(p.organization_id): p
        for p in Partner.objects.filter(organization_id__in=list(org_ids)).select_related("organization")
    }
    names = {
        str(pk): (name, tax_id)
        for pk, name, tax_id in Organization.objects.filter(id__in=list(org_ids)).values_list("id", "name", "tax_id")
    }
    addresses = _addresses(org_ids)
    status = {org: eligibility(partners.get(org), rules) for org in org_ids}
    eligible = {org for org, e in status.items() if e.eligible}

    closure_items: dict[str, list[flags.Item]] = defaultdict(list)
    facts = {}
    for fact in closures:
        org = str(fact.receiving_org_id)
        facts[fact.referral_id] = fact
        if org in eligible:
            closure_items[org].append(flags.Item("closure", fact.referral_id, org, fact.closed_at))
    assessment_items: dict[str, list[flags.Item]] = defaultdict(list)
    for fact in assessments:
        org = str(fact.organization_id)
        if org in eligible:
            assessment_items[org].append(
                flags.Item(
                    "assessment", fact.assessment_id, org, fact.completed_at, detail={"resident_id": fact.resident_id}
                )
            )
    for items in closure_items.values():
        flags.flag_closures(items, facts, rules)
    earlier = _earlier_assessments(assessment_items, first, rules)
    for items in assessment_items.values():
        flags.flag_repeat_assessments(items, earlier, rules)
    _flag_bursts(month, closure_items, assessment_items, rules)

    closures_by_org = Counter(str(f.receiving_org_id) for f in closures)
    assessments_by_org = Counter(str(a.organization_id) for a in assessments)
    paid_before = _onboarding_already_paid(month)
    released_by_org: dict[str, dict[str, int]] = defaultdict(lambda: {"closure": 0, "assessment": 0})
    for item in released:
        if str(item.organization_id) in eligible:
            released_by_org[str(item.organization_id)][item.kind] += 1
    rows, held, total = [], [], 0
    for org in org_ids:
        name, tax_id = names.get(org, ("", ""))
        partner = partners.get(org)
        org_closures = closure_items.get(org, [])
        org_assessments = assessment_items.get(org, [])
        org_held = [i for i in org_closures + org_assessments if i.rules]
        held += org_held
        is_eligible = org in eligible
        onboarding = 1 if is_eligible and org in onboarded and org not in paid_before else 0
        paid_closures = sum(1 for i in org_closures if not i.rules)
        paid_assessments = sum(1 for i in org_assessments if not i.rules)
        rel = released_by_org.get(org, {"closure": 0, "assessment": 0})
        amount = (
            (
                onboarding * rules.onboarding_cents
                + (paid_closures + rel["closure"]) * rules.closed_referral_cents
                + (paid_assessments + rel["assessment"]) * rules.assessment_cents
            )
            if is_eligible
            else 0
        )
        total += amount
        rows.append({
            "organization_id": org,
            "name": name,
            "ein": (partner.ein if partner and partner.ein else tax_id) or "",
            "mailing_address": addresses.get(org, ""),
            "kind": partner.kind if partner else "",
            "tax_status": partner.tax_status if partner else "",
            "eligible": is_eligible,
            "exclusion": status[org].reason,
            "onboarding": onboarding,
            "closures": paid_closures if is_eligible else closures_by_org[org],
            "assessments": paid_assessments if is_eligible else assessments_by_org[org],
            "released_closures": rel["closure"],
            "released_assessments": rel["assessment"],
            "held": len(org_held),
            "amount_cents": amount,
        })  # fmt: skip
    rows.sort(key=lambda row: (not row["eligible"], row["name"].lower(), row["organization_id"]))
    return Draft(month, rows, held, total)


def _earlier_assessments(items_by_org: dict, first: date, rules: IncentiveRules) -> dict:
    pairs = {(str(i.detail["resident_id"]), org) for org, items in items_by_org.items() for i in items}
    if not pairs:
        return {}
    since = first - timedelta(days=rules.repeat_assessment_days + 1)
    out: dict = defaultdict(list)
    residents = list({resident for resident, _ in pairs})
    for start in range(0, len(residents), 2000):
        rows = AssessmentFact.objects.filter(
            resident_id__in=residents[start : start + 2000], completed_day__gte=since
        ).values_list("resident_id", "organization_id", "completed_at")
        for resident, org, at in rows:
            key = (str(resident), str(org))
            if key in pairs:
                out[key].append(at)
    return out


def _flag_bursts(month: date, closures: dict, assessments: dict, rules: IncentiveRules) -> None:
    if "burst" not in rules.flags_enabled:
        return
    orgs = set(closures) | set(assessments)
    if not orgs:
        return
    measures = {"closure": "closed_as_receiver", "assessment": "assessments"}
    earliest = month_start(month - timedelta(days=31 * rules.burst_history_months + 1))
    counts: dict = defaultdict(int)
    for scope, measure, day, count in MonthlyTally.objects.filter(
        scope__in=list(orgs), measure__in=list(measures.values()), dimension="", day__gte=earliest, day__lt=month
    ).values_list("scope", "measure", "day", "count"):
        counts[(scope, measure, day)] += count
    firsts = {
        (row["scope"], row["measure"]): row["first"]
        for row in MonthlyTally.objects.filter(
            scope__in=list(orgs), measure__in=list(measures.values()), dimension="", day__lt=month, count__gt=0
        )
        .values("scope", "measure")
        .order_by()
        .annotate(first=Min("day"))
    }
    for kind, by_org in (("closure", closures), ("assessment", assessments)):
        measure = measures[kind]
        for org, items in by_org.items():
            months = flags.history_months(month, firsts.get((org, measure)), rules)
            history = [counts.get((org, measure, m), 0) for m in months]
            flags.flag_burst(items, flags.burst_threshold(history, rules), kind)
