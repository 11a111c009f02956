""" "Who viewed my record" (docs/product.md 4.5), as visits rather than single reads.

Every read of a record is its own audit entry, so one referral made by one
person is a dozen reads (the record, each step of the referral form, the
referral page). Shown one by one they were 19 identical rows (issue #14). The
page groups reads by the same person, for the same organization and reason, that
follow each other within ``VISIT_GAP``, says how many reads a visit had and
what they opened (the record, a referral page, the contact details). The reads
are the audit entries named in ``audit.names.RECORD_READS``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

# Reads of one record further apart than this are separate visits.
VISIT_GAP = timedelta(minutes=30)
# A resident's page groups at most this many of the newest reads (a long history
# still pages through visits, the oldest reads are in the accounting export).
MAX_READS = 5000


@dataclass
class Visit:
    actor_id: int | None
    actor_organization_id: str
    legal_basis: str
    first: datetime
    last: datetime
    reads: int = 1
    # The audit actions of its reads (what was opened: record, referral, contacts).
    actions: set[str] = field(default_factory=set)
    # Who, when no person did it: the audit entry's label (an exchange client and the
    # participant it speaks for, for a disclosure to the health information exchange).
    label: str = ""


def group_visits(
    reads: Iterable[tuple],
    gap: timedelta = VISIT_GAP,
) -> list[Visit]:
    """Reads as (actor id, organization id, legal basis, when[, action[, label]]),
    newest first, into visits, newest first: a read joins the visit before it when it
    is by the same person for the same organization under the same basis, within ``gap``."""
    visits: list[Visit] = []
    for actor_id, organization_id, legal_basis, at, *rest in reads:
        action, label = [*rest, "", ""][:2]
        current = visits[-1] if visits else None
        if (
            current is not None
            and (current.actor_id, current.actor_organization_id, current.legal_basis)
            == (actor_id, organization_id, legal_basis)
            and current.first - at <= gap
        ):
            current.first = at
            current.reads += 1
        else:
            current = Visit(actor_id, organization_id, legal_basis, at, at)
            visits.append(current)
        if action:
            current.actions.add(action)
        current.label = current.label or label or ""
    return visits


def visits_of(resident) -> list[Visit]:
    """The visits to ``resident``'s record, newest first (``selectors.record_reads``)."""
    from .selectors import record_reads

    rows = record_reads(resident).values_list(
        "actor_id", "actor_organization_id", "legal_basis", "occurred_at", "action", "actor_label"
    )[:MAX_READS]
    return group_visits(rows)
