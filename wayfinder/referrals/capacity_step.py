"""The referral flow's capacity step (issue #21 item 2): the confirmation page shows
whether the service takes referrals; referring to a full one needs a tick that says
so, and the page offers nearby services of the same kind that are not full.

Why a confirmation and not a refusal: "full" is what the partner said last; a
caseworker may know the resident is already on the list, or that a bed opens
tomorrow. A referral to a full service is allowed, just never by accident.
"""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from wayfinder.directory import availability, service_page

FIELD = "refer_anyway"


def step_context(service) -> dict:
    """What the confirmation page shows about the service's availability."""
    shown = availability.of_service(service)
    full = shown is not None and shown.is_full
    return {  # the alternatives come from the search index (same category, nearest first)
        "availability": shown,
        "needs_full_confirmation": full,
        "alternatives": service_page.open_alternatives(service) if full else [],
    }


def check(form: forms.Form, data, service) -> bool:
    """False (with the error on the form) when the service is full and the person did
    not tick that they refer anyway."""
    if not step_context_is_full(service) or data.get(FIELD) == "on":
        return True
    form.add_error(
        None, _("This service says it is full. Tick “Refer anyway” to send the referral, or choose another service.")
    )
    return False


def step_context_is_full(service) -> bool:
    shown = availability.of_service(service)
    return shown is not None and shown.is_full
