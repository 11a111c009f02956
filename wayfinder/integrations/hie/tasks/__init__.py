"""Referrals as ServiceRequest + Task, Subscriptions, the directory as FHIR (issue #19 item 5)."""


def register_handlers() -> None:
    """Register the referral and directory FHIR handlers, and follow referral changes."""
    from django.db.models.signals import post_save

    from wayfinder.referrals.models import ReferralEvent

    from ..fhir.registry import register
    from . import directory, handlers, subscriptions

    for handler in [*handlers.handlers(), *directory.handlers(), *subscriptions.handlers()]:
        register(handler)
    post_save.connect(subscriptions.referral_event_saved, sender=ReferralEvent, dispatch_uid="hie_tasks_referral_event")
