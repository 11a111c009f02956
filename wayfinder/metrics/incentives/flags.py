"""Anti-gaming: activity that looks manufactured is held for review, not paid.

Each rule names itself and the records it holds:

- ``self_closed_quickly``: a referral closed by the organization that created it,
  within ``self_close_minutes`` of its creation.
- ``closed_without_activity``: closed straight from New with no status change,
  note or outreach in between.
- ``repeat_assessment``: an assessment of a resident the same organization
  already assessed within ``repeat_assessment_days``.
- ``burst``: a month far above the organization's own history (more than
  ``burst_factor`` times its monthly average over the previous
  ``burst_history_months`` months, and more than ``burst_minimum``); the items
  beyond that level, latest first, are held. Needs ``burst_min_history_months``
  months of history: a new partner has no history to be far above.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta

from ..definitions import month_start
from .rules import IncentiveRules


@dataclass
class Item:
    kind: str  # "closure" or "assessment"
    record_id: object
    organization_id: str
    at: object  # datetime of the activity
    rules: list[str] = field(default_factory=list)
    detail: dict = field(default_factory=dict)


def flag_closures(items: list[Item], facts: dict, rules: IncentiveRules) -> None:
    """``facts``: {referral id: ReferralFact} of the closures."""
    for item in items:
        fact = facts[item.record_id]
        if (
            "self_closed_quickly" in rules.flags_enabled
            and fact.sending_org_id is not None
            and str(fact.sending_org_id) == str(fact.receiving_org_id)
            and (fact.closed_at - fact.created_at) <= timedelta(minutes=rules.self_close_minutes)
        ):
            minutes = int((fact.closed_at - fact.created_at).total_seconds() // 60)
            item.rules.append("self_closed_quickly")
            item.detail["minutes_open"] = minutes
        if "closed_without_activity" in rules.flags_enabled and fact.status_moves == 0 and fact.notes == 0:
            item.rules.append("closed_without_activity")


def flag_repeat_assessments(items: list[Item], earlier: dict, rules: IncentiveRules) -> None:
    """``earlier``: {(resident id, organization id): [completed_at, ...]} of every
    assessment of those pairs from ``repeat_assessment_days`` before the month on."""
    if "repeat_assessment" not in rules.flags_enabled:
        return
    window = timedelta(days=rules.repeat_assessment_days)
    for item in items:
        key = (str(item.detail["resident_id"]), item.organization_id)
        previous = [at for at in earlier.get(key, []) if item.at - window <= at < item.at]
        if previous:
            item.rules.append("repeat_assessment")
            item.detail["previous_at"] = max(previous).isoformat()
    for item in items:
        item.detail.pop("resident_id", None)


def burst_threshold(history: list[int], rules: IncentiveRules) -> int | None:
    """The most a month may hold before the excess is held, or None (no rule:
    too little history)."""
    if len(history) < rules.burst_min_history_months:
        return None
    average = sum(history) / len(history)
    return max(rules.burst_minimum, math.floor(rules.burst_factor * average))


def flag_burst(items: list[Item], threshold: int | None, kind_label: str) -> None:
    """Hold the items beyond ``threshold`` (those not already held), latest ones."""
    if threshold is None:
        return
    unflagged = sorted((i for i in items if not i.rules), key=lambda i: (i.at, str(i.record_id)))
    paid_so_far = len([i for i in items if not i.rules])
    if paid_so_far <= threshold:
        return
    for item in unflagged[threshold:]:
        item.rules.append("burst")
        item.detail["burst_threshold"] = threshold
        item.detail["burst_kind"] = kind_label


def history_months(month: date, first_activity: date | None, rules: IncentiveRules) -> list[date]:
    """The months before ``month`` that count as the organization's history: at
    most ``burst_history_months``, none before its first activity."""
    months = []
    cursor = month
    for _ in range(rules.burst_history_months):
        cursor = month_start(cursor - timedelta(days=1))
        if first_activity is None or cursor < month_start(first_activity):
            break
        months.append(cursor)
    return months
