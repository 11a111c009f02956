"""A referral's history: every change is one ``ReferralEvent``, written here.

Other parts of the product follow referral changes without the referral code
knowing them: the exchange's FHIR Task (``integrations/hie/tasks``) bumps its
version and notifies its subscribers whenever its referral changes. They register
a listener at start-up with ``on_event_recorded``; ``record_event`` calls each one
inside the same transaction as the change, so a listener's own writes commit or
roll back with it. One entry point instead of a ``post_save`` signal: a reader
sees every caller from here, and nothing follows a row written some other way.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from typing import Any

from django.utils import timezone

from .models import ReferralEvent

EventListener = Callable[[ReferralEvent], None]
_listeners: list[EventListener] = []


def on_event_recorded(listener: EventListener) -> None:
    """Call ``listener(event)`` after each new referral event (registered once)."""
    if listener not in _listeners:
        _listeners.append(listener)


def record_event(
    referral,
    kind: str,
    *,
    version: int,
    actor=None,
    actor_organization_id: Any = None,
    from_status: str = "",
    to_status: str = "",
    at: datetime | None = None,
    data: dict | None = None,
) -> ReferralEvent:
    """Write one event in ``referral``'s history and tell the listeners."""
    event = ReferralEvent.objects.create(
        referral=referral,
        kind=kind,
        version=version,
        actor=actor,
        actor_organization_id=actor_organization_id,
        from_status=from_status,
        to_status=to_status,
        at=at or timezone.now(),
        data=data or {},
    )
    for listener in _listeners:
        listener(event)
    return event
