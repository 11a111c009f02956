"""Final onboarding: the user agreement, the three trainings, and what comes next."""

from __future__ import annotations

from django.db import transaction
from django.urls import reverse
from django.utils import timezone

from wayfinder.accounts.middleware import has_mfa_in_place
from wayfinder.accounts.models import Membership
from wayfinder.audit.log import log_action
from wayfinder.audit.names import (
    PARTNER_AGREEMENT_ACCEPTED,
    PARTNER_ONBOARDING_COMPLETED,
    PARTNER_ORGANIZATION_ONBOARDED,
    PARTNER_TRAINING_COMPLETED,
)

from ..content import AGREEMENT_VERSION, TRAINING_SLUGS, TRAININGS, training
from ..models import AgreementAcceptance, OnboardingProgress, Partner, TrainingCompletion
from .self_service import queue_search_update


def current_acceptance(user) -> AgreementAcceptance | None:
    """The person's acceptance of the current user agreement, if any."""
    return AgreementAcceptance.objects.filter(user=user, version=AGREEMENT_VERSION).first()


def has_accepted_agreement(user) -> bool:
    return AgreementAcceptance.objects.filter(user=user, version=AGREEMENT_VERSION).exists()


def completed_trainings(user) -> dict[str, object]:
    """slug -> completion time, for the current version of each training."""
    current = {t.slug: t.version for t in TRAININGS}
    return {
        module: completed_at
        for module, version, completed_at in TrainingCompletion.objects.filter(user=user).values_list(
            "module", "version", "completed_at"
        )
        if current.get(module) == version
    }


def next_step_url(user) -> str | None:
    """Where a partner user still in onboarding must go next, or None when done
    (or never held here: see ``OnboardingProgress``)."""
    progress = OnboardingProgress.objects.filter(user=user).only("completed_at").first()
    if progress is None or progress.completed_at is not None:
        return None
    if not has_mfa_in_place(user):
        return reverse("mfa_activate_totp")
    if not has_accepted_agreement(user):
        return reverse("partners:agreement")
    # Trainings left, or all done and "Next" not pressed yet: both on the training page.
    return reverse("partners:training")


@transaction.atomic
def accept_agreement(user) -> AgreementAcceptance:
    acceptance, created = AgreementAcceptance.objects.get_or_create(user=user, version=AGREEMENT_VERSION)
    if created:
        log_action(user, PARTNER_AGREEMENT_ACCEPTED, acceptance, data={"version": AGREEMENT_VERSION})
    return acceptance


@transaction.atomic
def complete_training(user, slug: str) -> TrainingCompletion:
    module = training(slug)
    if module is None:
        raise ValueError(f"unknown training {slug!r}")
    completion, created = TrainingCompletion.objects.get_or_create(user=user, module=slug, version=module.version)
    if created:
        log_action(user, PARTNER_TRAINING_COMPLETED, completion, data={"module": slug, "version": module.version})
    return completion


def onboarding_complete_ready(user) -> bool:
    return (
        has_mfa_in_place(user)
        and has_accepted_agreement(user)
        and set(TRAINING_SLUGS) <= set(completed_trainings(user))
    )


@transaction.atomic
def finish_onboarding(user) -> bool:
    """Mark the person onboarded; the first admin to finish makes their
    organization an onboarded partner (the "Partner" badge). False when steps remain."""
    if not onboarding_complete_ready(user):
        return False
    now = timezone.now()
    progress, _created = OnboardingProgress.objects.get_or_create(user=user)
    if progress.completed_at is None:
        progress.completed_at = now
        progress.save(update_fields=["completed_at"])
        log_action(user, PARTNER_ONBOARDING_COMPLETED, progress)
    admin_orgs = Membership.objects.filter(user=user, role="admin", is_active=True).values_list(
        "organization_id", flat=True
    )
    partners = Partner.objects.filter(
        organization_id__in=list(admin_orgs), organization__partner_since__isnull=True
    ).select_related("organization")
    for partner in partners:
        # The partner status lives on the organization, where the public directory reads it.
        organization = partner.organization
        organization.partner_since = now
        organization.save(update_fields=["partner_since"])
        log_action(user, PARTNER_ORGANIZATION_ONBOARDED, partner, organization=partner.organization_id)
        queue_search_update(organization.services.values_list("id", flat=True))  # the badge is in the index
    return True
