"""Referrals as ServiceRequest + Task, Subscriptions, the directory as FHIR (issue #19 item 5)."""


def register_handlers() -> None:
    """Register the referral and directory FHIR handlers, and follow referral changes."""
    from wayfinder.referrals.events import on_event_recorded

    from ..fhir.registry import register
    from . import directory, handlers, subscriptions

    for handler in [*handlers.handlers(), *directory.handlers(), *subscriptions.handlers()]:
        register(handler)
    on_event_recorded(subscriptions.referral_changed)
