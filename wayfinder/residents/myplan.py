"""My Plan: the signed-in resident's own pages (docs/product.md 4.6)."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import ResidentRequest, resident_required
from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.consent import actions as consent_actions
from wayfinder.consent.forms import ResidentGrantForm
from wayfinder.consent.selectors import open_consents, resident_consent_for

from . import actions, selectors
from .access_log import visits_of
from .extension_points import my_plan_sections
from .forms import LinkAccountForm, PrivacyForm


@resident_required(linked=False)
@require_safe
def home(request: ResidentRequest) -> HttpResponse:
    resident = request.resident
    context = {"resident": resident}
    if resident is not None:
        sections = my_plan_sections(resident)
        context.update(
            consents=open_consents(resident),
            needs=list(resident.needs.filter(part2=False)[:20]),
            sections=sections,
            referral_section=sections.get("referrals"),
            assessment_section=sections.get("assessments"),
        )
    return render(request, "residents/my_plan/home.html", context)


@resident_required(linked=False)
@require_http_methods(["GET", "POST"])
def link_account(request: ResidentRequest) -> HttpResponse:
    if request.resident is not None:
        return redirect("my_plan:home")
    form = LinkAccountForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            actions.link_account(user=request.user, **form.cleaned_data)
        except actions.ResidentError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Your account is connected to your record."))
            return redirect("my_plan:home")
    return render(request, "residents/my_plan/link.html", {"form": form})


@resident_required()
@require_safe
def consents(request: ResidentRequest) -> HttpResponse:
    return render(
        request,
        "residents/my_plan/consents.html",
        {"consents": open_consents(request.resident), "grant_form": ResidentGrantForm()},
    )


@require_POST
@resident_required()
def grant(request: ResidentRequest) -> HttpResponse:
    form = ResidentGrantForm(request.POST)
    if form.is_valid():
        try:
            consent_actions.grant_consent(
                resident=request.resident,
                organization=form.cleaned_data["organization"],
                actor=request.user,
                scope=form.cleaned_data["scope"],
                signature_name=form.cleaned_data["signature_name"],
            )
            messages.success(request, _("Consent given."))
            return redirect("my_plan:consents")
        except consent_actions.ConsentError as error:
            form.add_error(None, str(error))
    return render(
        request,
        "residents/my_plan/consents.html",
        {"consents": open_consents(request.resident), "grant_form": form},
        status=400,
    )


@require_POST
@resident_required()
def revoke(request: ResidentRequest, consent_id) -> HttpResponse:
    consent = resident_consent_for(request.resident, consent_id)
    try:
        version = int(request.POST.get("version", consent.version))
        consent_actions.revoke_consent(consent, actor=request.user, expected_version=version)
        messages.success(request, consent_actions.revoked_message(consent))
    except (ValueError, consent_actions.ConsentError) as error:
        messages.error(request, str(error) or _("Please try again."))
    return redirect("my_plan:consents")


@resident_required()
@require_safe
def access_log(request: ResidentRequest) -> HttpResponse:
    """Who looked at my record, when, and under what consent (docs/product.md 4.5), one row
    per visit (``access_log``): the pages one person opened within half an hour."""
    page = Paginator(visits_of(request.resident), 50).get_page(request.GET.get("page"))
    visits = list(page.object_list)
    people, organizations = selectors.readers(visits)
    entries = [
        {
            "first": visit.first,
            "last": visit.last,
            "reads": visit.reads,
            "who": getattr(people.get(visit.actor_id), "full_name", "") or _exchange_reader(visit) or _("Someone"),
            "organization": getattr(organizations.get(visit.actor_organization_id), "name", "")
            or (_("United Way referral specialists") if visit.legal_basis in SPECIALIST_BASES else ""),
            "what": _what_was_opened(visit.actions),
            "basis": _basis_label(visit.legal_basis),
            "is_self": visit.legal_basis == "self",
        }
        for visit in visits
    ]
    return render(request, "residents/my_plan/access_log.html", {"entries": entries, "page": page})


# Legal bases of reads by United Way's referral specialists (no organization of theirs).
SPECIALIST_BASES = ("referral_specialist", "referral_followup")


def _what_was_opened(opened: set[str]) -> str:
    """What a visit opened, in the resident's words (a visit may open several)."""
    labels = [
        label
        for action, label in (
            (names.RESIDENT_VIEWED, _("Your record")),
            (names.REFERRAL_VIEWED, _("A referral about you")),
            (names.RESIDENT_CONTACT_VIEWED, _("Your contact details")),
            (names.HIE_DISCLOSED, _("Your needs and assessments, sent to the health information exchange")),
        )
        if action in opened
    ]
    return ", ".join(labels)


def _exchange_reader(visit) -> str:
    """A disclosure to the exchange has no person: name the participant that received
    it, from the audit entry's label ("exchange client <id> (<participant>)")."""
    if not visit.legal_basis.startswith(EXCHANGE_BASIS) or not visit.label:
        return ""
    participant = visit.label.rpartition("(")[2].rstrip(")").strip()
    return _("%(participant)s, through the health information exchange") % {"participant": participant or visit.label}


# Legal basis of a disclosure to an exchange client ("exchange:<client id>[+part2-consent]").
EXCHANGE_BASIS = "exchange:"


def _basis_label(basis: str) -> str:
    if basis.startswith("consent:"):
        return _("Your consent")
    if basis.startswith(EXCHANGE_BASIS):
        if basis.endswith("+part2-consent"):
            return _("Care coordination (your sharing choice) and your consent for substance use treatment records")
        return _("Care coordination (your sharing choice in My Plan)")
    return {
        "self": _("You"),
        "referral": _("A referral"),
        "referral_specialist": _("United Way referral specialist"),
        "referral_followup": _("A follow-up call about your referral"),
        "none": _("Name only (to refer you)"),
    }.get(basis, basis)


@resident_required()
@require_http_methods(["GET", "POST"])
def privacy(request: ResidentRequest) -> HttpResponse:
    resident = request.resident
    initial = {"notification_channel": resident.notification_channel, "language": resident.preferred_language or "en"}
    form = PrivacyForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        actions.update_privacy(resident=resident, actor=request.user, **form.cleaned_data)
        messages.success(request, _("Your settings are saved."))
        return redirect("my_plan:privacy")
    contacts = list(resident.contacts.filter(retired_at__isnull=True).order_by("kind", "-created_at"))
    return render(request, "residents/my_plan/privacy.html", {"form": form, "contacts": contacts})


@resident_required()
@require_safe
def print_history(request: ResidentRequest) -> HttpResponse:
    """My history as a PDF, rendered by WeasyPrint from the same HTML partials as the page."""
    from weasyprint import HTML

    resident = request.resident
    sections = my_plan_sections(resident)
    context = {
        "resident": resident,
        "consents": open_consents(resident),
        "needs": list(resident.needs.filter(part2=False)[:50]),
        "sections": sections,
        "referral_section": sections.get("referrals"),
        "printed_at": timezone.now(),
    }
    html = render_to_string("residents/my_plan/print.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    log_action(request.user, names.RESIDENT_HISTORY_PRINTED, resident, resident=resident, legal_basis="self")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="my-wayfinder-history.pdf"'
    return response
