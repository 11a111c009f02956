"""Staff ask for consent (a link to a contact on file, or verbally) and add a
contact for the resident to confirm; the resident answers links in one action.
The rules are in ``actions``, ``requests``, ``contacts`` and ``verification``."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from wayfinder.accounts.access import StaffRequest, staff_required
from wayfinder.residents.selectors import resident_for

from . import actions, contacts, verification
from .forms import AddContactForm, RequestConsentForm, RespondForm, VerbalConsentForm, VerifyContactForm
from .models import Scope
from .statements import GENERAL_SEES, PART2_SEES, statement_texts


@staff_required
@require_http_methods(["GET", "POST"])
def request_consent(request: StaffRequest, resident_id) -> HttpResponse:
    resident, access = resident_for(request.user, resident_id, purpose="consent_request")
    organization = request.organization
    destinations = contacts.consent_destinations(resident)
    form = RequestConsentForm(request.POST or None, destinations=destinations)
    if request.method == "POST" and form.is_valid():
        try:
            actions.request_consent(
                resident=resident,
                organization=organization,
                actor=request.user,
                contact_id=form.cleaned_data["contact"],
                base_url=request.build_absolute_uri("/"),
                scope=form.cleaned_data["scope"] or Scope.GENERAL,
            )
        except actions.ConsentError as error:
            form.add_error("contact", str(error))
        else:
            messages.success(request, _("Consent request sent. You will see the full record once the resident agrees."))
            return redirect("residents:detail", resident.pk)
    context = {
        "resident": resident,
        "access": access,
        "form": form,
        "destinations": destinations,
        "pending": contacts.pending_verifications(resident, organization),
        "organization": organization,
    }
    return render(request, "consent/request.html", context, status=400 if form.errors else 200)


@staff_required
@require_http_methods(["GET", "POST"])
def add_contact(request: StaffRequest, resident_id) -> HttpResponse:
    """A new email or number, confirmed by the resident before any request uses it."""
    resident, access = resident_for(request.user, resident_id, purpose="consent_request")
    form = AddContactForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            verification.add_contact_for_confirmation(
                resident=resident,
                organization=request.organization,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                value=form.cleaned_data["value"],
            )
        except actions.ConsentError as error:
            form.add_error("value", str(error))
        else:
            messages.success(
                request,
                _("A confirmation link was sent to it. Once the resident confirms, you can send the request there."),
            )
            return redirect("consent:request", resident.pk)
    return render(
        request,
        "consent/add_contact.html",
        {"resident": resident, "access": access, "form": form},
        status=400 if form.errors else 200,
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
            messages.success(
                request, _("Verbal consent recorded. The resident gets a confirmation with a way to revoke it.")
            )
            return redirect("residents:detail", resident.pk)
    notice = contacts.notice_destination(resident)
    context = {"resident": resident, "access": access, "form": form, "notice": notice}
    return render(request, "consent/verbal.html", context, status=400 if form.errors else 200)


@never_cache
@require_http_methods(["GET", "POST"])
def respond(request: HttpRequest, token: str) -> HttpResponse:
    """Open to anyone holding the link (the resident need not have an account).
    Shows which organization asks and who asked, and what it will see, never the
    record itself."""
    consent_request, state = actions.find_request(token)
    if state == actions.LinkState.ALREADY_GIVEN:
        return _no_referrer(render(request, "consent/already_given.html", {"request_": consent_request}))
    if state != actions.LinkState.OPEN:
        return _no_referrer(render(request, "consent/link_invalid.html", status=404))
    form = RespondForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        grant = form.cleaned_data["decision"] == "grant"
        try:
            actions.respond_to_request(
                token, grant=grant, signature_name=form.cleaned_data["signature_name"], user=request.user
            )
        except actions.ConsentError as error:
            if actions.find_request(token)[1] != actions.LinkState.OPEN:
                return _no_referrer(render(request, "consent/link_invalid.html", status=404))
            form.add_error(None, str(error))
            status = 400
        else:
            return _no_referrer(
                render(request, "consent/responded.html", {"granted": grant, "request_": consent_request})
            )
    part2 = consent_request.scope == Scope.PART2
    sees = list(GENERAL_SEES) + (list(PART2_SEES) if part2 else [])
    context = {"request_": consent_request, "form": form, "sees": sees, "part2": part2}
    return _no_referrer(render(request, "consent/respond.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def verify_contact(request: HttpRequest, token: str) -> HttpResponse:
    """The link sent to a contact an organization entered."""
    pending = verification.find_verification(token)
    if pending is None:
        return _no_referrer(render(request, "consent/link_invalid.html", status=404))
    form = VerifyContactForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            answered = verification.answer_verification(
                token, mine=form.cleaned_data["decision"] == "mine", user=request.user
            )
        except actions.ConsentError as error:
            form.add_error(None, str(error))
            status = 403 if verification.find_verification(token) else 404
        else:
            return _no_referrer(render(request, "consent/contact_answered.html", {"verification": answered}))
    context = {"verification": pending, "form": form, "masked": verification.masked(pending.contact)}
    return _no_referrer(render(request, "consent/verify_contact.html", context, status=status))


@never_cache
@require_http_methods(["GET", "POST"])
def revoke_link(request: HttpRequest, token: str) -> HttpResponse:
    """The one-click revocation in a consent confirmation: the page names the
    consent; one button takes it back (a GET never changes anything, so mail
    scanners that open links cannot revoke)."""
    consent = actions.find_consent_by_revoke_token(token)
    if consent is None:
        return _no_referrer(render(request, "consent/revoke_done.html", {"consent": None}, status=404))
    error = ""
    if request.method == "POST":
        try:
            actions.revoke_by_link(token, user=request.user)
        except actions.ConsentError as exc:
            error = str(exc)
        else:
            return _no_referrer(render(request, "consent/revoke_done.html", {"consent": consent}))
    context = {"consent": consent, "error": error, "part2": consent.scope == Scope.PART2}
    return _no_referrer(render(request, "consent/revoke_link.html", context, status=403 if error else 200))


def _no_referrer(response: HttpResponse) -> HttpResponse:
    """The link's token is in the URL: never send it to another site in a Referer
    header ("same-origin", not "no-referrer", which would break the CSRF check)."""
    response["Referrer-Policy"] = "same-origin"
    return response
