"""The referral Task's state machine, and how our referral statuses map onto it.

The SDOH Clinical Care guide's Task For Referral Management allows every FHIR
TaskStatus except ``ready`` and ``received``, moved along the guide's state diagram;
the requester sets some statuses, the performer (the receiving organization) the
others, either may cancel (docs/exchange.md, "Referrals as Task"). Our referral has
three statuses (New, In Progress, Closed with an outcome); ``task_state`` reads the
Task status from the referral and its history, so the Task never disagrees with the
inbox. The private "experience with the resident" answer is never read here.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from wayfinder.referrals.models import NotProvidedReason, Referral, ReferralEvent, Status

TASK_STATUSES = frozenset(
    {
        "draft",
        "requested",
        "accepted",
        "rejected",
        "cancelled",
        "in-progress",
        "on-hold",
        "failed",
        "completed",
        "entered-in-error",
    }
)

# The guide's state diagram (start → draft | requested; any → entered-in-error).
TRANSITIONS: dict[str, frozenset[str]] = {
    "draft": frozenset({"requested", "cancelled"}),
    "requested": frozenset({"accepted", "rejected", "cancelled"}),
    "accepted": frozenset({"in-progress", "on-hold", "cancelled", "completed", "failed"}),
    "in-progress": frozenset({"on-hold", "completed", "failed", "cancelled"}),
    "on-hold": frozenset({"in-progress", "cancelled", "completed", "failed"}),
}
START = frozenset({"draft", "requested"})
REQUESTER_SETS = frozenset({"draft", "requested", "entered-in-error", "cancelled"})
PERFORMER_SETS = frozenset({"accepted", "rejected", "in-progress", "on-hold", "failed", "completed", "cancelled"})
# Through FHIR the requester may only withdraw the referral: the receiving
# organization works it in its inbox, where the real outcome questions are asked.
REQUESTER_MAY_SET_BY_FHIR = frozenset({"cancelled", "entered-in-error"})
NEEDS_REASON = frozenset({"rejected", "cancelled", "on-hold", "failed"})

# The local business status of a referral a referral specialist closed
# (docs/product.md 5.5): the guide does not constrain businessStatus.
BUSINESS_STATUS_SYSTEM = "https://wayfinder.example.org/fhir/CodeSystem/referral-business-status"
CLOSED_BY_SPECIALIST = "closed-by-referral-specialist"

_REJECT_BEFORE_WORK = {
    NotProvidedReason.NOT_ELIGIBLE,
    NotProvidedReason.OUTSIDE_SERVICE_AREA,
    NotProvidedReason.NO_CAPACITY,
}
_CANCELLED = {NotProvidedReason.DECLINED, NotProvidedReason.HELPED_ELSEWHERE}


class TransitionRefused(Exception):
    """A status change outside the state machine or outside the caller's role."""

    def __init__(self, old: str, new: str, rule: str) -> None:
        super().__init__(f"Task status cannot change from {old} to {new}: {rule}")
        self.old, self.new, self.rule = old, new, rule


def can_move(old: str, new: str) -> bool:
    """The guide's diagram: the listed moves, and anything to entered-in-error."""
    if new == "entered-in-error":
        return old != "entered-in-error"
    return new in TRANSITIONS.get(old, frozenset())


def check_requester_change(old: str, new: str) -> None:
    """What a requester may ask of a Task through FHIR; raises ``TransitionRefused``."""
    if new == old:
        return
    if new not in TASK_STATUSES:
        raise TransitionRefused(old, new, "not a status of the SDOHCC Task For Referral Management")
    if new not in REQUESTER_MAY_SET_BY_FHIR:
        who = "the receiving organization" if new in PERFORMER_SETS else "nobody after creation"
        raise TransitionRefused(old, new, f"{new} is set by {who}; the requester may only cancel")
    if not can_move(old, new):
        raise TransitionRefused(old, new, "not a transition of the guide's Task state machine")


@dataclass(frozen=True)
class TaskState:
    status: str
    reason: str = ""  # statusReason.text
    business_status: str = ""  # a code of BUSINESS_STATUS_SYSTEM, or ""


def _worked_since_accepted(events: list[ReferralEvent], receiving_id) -> bool:
    """Work shown after the latest move to In Progress: an assignment or a note by
    the receiving organization, or outreach."""
    started = None
    for event in events:
        if event.kind == ReferralEvent.Kind.STATUS_CHANGED and event.to_status == Status.IN_PROGRESS:
            started = event
    if started is None:
        return False
    after = [e for e in events if (e.at, e.pk or 0) > (started.at, started.pk or 0)]
    return any(
        e.kind in (ReferralEvent.Kind.ASSIGNED, ReferralEvent.Kind.OUTREACH)
        or (e.kind == ReferralEvent.Kind.NOTE_ADDED and e.actor_organization_id == receiving_id)
        for e in after
    )


def _was_started(events: list[ReferralEvent]) -> bool:
    return any(e.kind == ReferralEvent.Kind.STATUS_CHANGED and e.to_status == Status.IN_PROGRESS for e in events)


def task_state(referral: Referral, events: Iterable[ReferralEvent], withdrawn: str = "", reason: str = "") -> TaskState:
    """The Task status of ``referral`` (docs/exchange.md, "Referrals as Task").

    ``withdrawn``: the status the requester set through FHIR (cancelled or
    entered-in-error), which wins over the referral's own state."""
    if withdrawn:
        return TaskState(withdrawn, reason or "Withdrawn by the requester")
    history = sorted(events, key=lambda e: (e.at, e.pk or 0))
    if referral.status == Status.NEW:
        if _was_started(history):
            return TaskState("on-hold", "Moved back to New by the receiving organization")
        return TaskState("requested")
    if referral.status == Status.IN_PROGRESS:
        worked = _worked_since_accepted(history, referral.receiving_organization_id)
        return TaskState("in-progress" if worked else "accepted")
    closed = [e for e in history if e.kind == ReferralEvent.Kind.CLOSED]
    by_specialist = bool(closed and (closed[-1].data or {}).get("by_specialist"))
    business = CLOSED_BY_SPECIALIST if by_specialist else ""
    if closed and (closed[-1].data or {}).get("withdrawn"):
        return TaskState("cancelled", str((closed[-1].data or {}).get("reason") or "Withdrawn by the requester"))
    if referral.resource_provided:
        return TaskState("completed", "Resource provided", business)
    code = referral.not_provided_reason
    words = str(NotProvidedReason(code).label) if code in NotProvidedReason.values else "Not provided"
    if code == NotProvidedReason.OTHER and referral.not_provided_other:
        words = f"{words}: {referral.not_provided_other}"
    if code in _CANCELLED:
        return TaskState("cancelled", words, business)
    before_work = bool(closed) and closed[-1].from_status == Status.NEW
    if code in _REJECT_BEFORE_WORK and before_work:
        return TaskState("rejected", words, business)
    if code == NotProvidedReason.OTHER and before_work:
        return TaskState("rejected", words, business)
    return TaskState("failed", words, business)
