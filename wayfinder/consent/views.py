"""Staff ask for consent (link by email or text, or verbally); the resident answers
the link in one action."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import StaffRequest, staff_required
from wayfinder.residents.models import ContactPoint, Resident
from wayfinder.residents.selectors import mask_email, mask_phone, resident_for

from . import actions
from .forms import RequestConsentForm, RespondForm, VerbalConsentForm
from .models import ConsentRequest, Scope
from .statements import GENERAL_SEES, PART2_SEES, statement_texts


def _contact_on_file(resident: Resident, kind: str, organization) -> str:
    """The organization's own entry first, then the state's record, then any."""
    contacts = list(resident.contacts.filter(kind=kind, retired_at__isnull=True))
    for preferred in (
        lambda c: c.organization_id == organization.pk,
        lambda c: c.source == "eligibility",
        lambda c: True,
    ):
        match = next((c for c in contacts if preferred(c)), None)
        if match:
            return match.value
    return ""


@staff_required
@require_http_methods(["GET", "POST"])
def request_consent(request: StaffRequest, resident_id) -> HttpResponse:
    resident, access = resident_for(request.user, resident_id, purpose="consent_request")
    organization = request.organization
    on_file = {
        "email": _contact_on_file(resident, ContactPoint.Kind.EMAIL, organization),
        "text": _contact_on_file(resident, ContactPoint.Kind.PHONE, organization),
    }
    initial = {"channel": ConsentRequest.Channel.EMAIL, "scope": Scope.GENERAL}
    form = RequestConsentForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        channel = form.cleaned_data["channel"]
        destination = form.cleaned_data["destination"].strip() or on_file[channel]
        try:
            actions.request_consent(
                resident=resident,
                organization=organization,
                actor=request.user,
                channel=channel,
                destination=destination,
                base_url=request.build_absolute_uri("/"),
                scope=form.cleaned_data["scope"] or Scope.GENERAL,
            )
        except actions.ConsentError as error:
            form.add_error("destination", str(error))
        else:
            messages.success(request, _("Consent request sent. You will see the full record once the resident agrees."))
            return redirect("residents:detail", resident.pk)
    masked = {"email": mask_email(on_file["email"]), "text": mask_phone(on_file["text"])}
    return render(
        request,
        "consent/request.html",
        {"resident": resident, "access": access, "form": form, "masked": masked, "organization": organization},
    )


@staff_required
@require_http_methods(["GET", "POST"])
def verbal_consent(request: StaffRequest, resident_id) -> HttpResponse:
    resident, access = resident_for(request.user, resident_id, purpose="consent_request")
    statements = statement_texts(request.organization.name)
    form = VerbalConsentForm(request.POST or None, statements=statements)
    if request.method == "POST" and form.is_valid():
        try:
            actions.record_verbal_consent(
                resident=resident,
                organization=request.organization,
                actor=request.user,
                acknowledged=form.acknowledged(),
            )
        except actions.ConsentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Verbal consent recorded."))
            return redirect("residents:detail", resident.pk)
    return render(request, "consent/verbal.html", {"resident": resident, "access": access, "form": form})


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link (the resident need not have an account).
    Shows only the organization and what it will see, never the record itself."""
    consent_request = actions.find_request(token)
    if consent_request is None:
        return render(request, "consent/link_invalid.html", status=404)
    form = RespondForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            actions.respond_to_request(token, grant=grant, signature_name=form.cleaned_data["signature_name"])
        except actions.ConsentError as error:
            if actions.find_request(token) is None:
                return render(request, "consent/link_invalid.html", status=404)
            form.add_error(None, str(error))
        else:
            return _no_referrer(
                render(request, "consent/responded.html", {"granted": grant, "request_": consent_request})
            )
    sees = list(GENERAL_SEES) + (list(PART2_SEES) if consent_request.scope == Scope.PART2 else [])
    return _no_referrer(
        render(
            request,
            "consent/respond.html",
            {"request_": consent_request, "form": form, "sees": sees, "part2": consent_request.scope == Scope.PART2},
        )
    )


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The link's token is in the URL: never send it to another site in a Referer
    header ("same-origin", not "no-referrer", which would break the CSRF check)."""
    response["Referrer-Policy"] = "same-origin"
    return response
