"""My Plan: the signed-in resident's own pages (product 4.6)."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wayfinder.accounts.models import User
from wayfinder.accounts.roles import is_resident_user
from wayfinder.audit.log import log_action
from wayfinder.consent import actions as consent_actions
from wayfinder.consent.forms import ResidentGrantForm
from wayfinder.consent.models import Consent
from wayfinder.directory.models import Organization

from . import actions
from .access_log import visits_of
from .extension_points import my_plan_sections
from .forms import LinkAccountForm, PrivacyForm
from .models import Resident


def resident_required(linked: bool = True):
    """Signed-in residents only (staff have the workspace); ``linked`` pages need
    the account connected to its record first."""

    def decorator(view):
        @wraps(view)
        def wrapper(request: HttpRequest, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request.get_full_path())
            if not is_resident_user(request.user):
                raise PermissionDenied
            request.resident = Resident.objects.filter(user=request.user).first()
            if linked and request.resident is None:
                messages.info(request, _("Connect your account to your record first."))
                return redirect("my_plan:link")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def _open_consents(resident: Resident):
    now = timezone.now()
    return [
        c
        for c in Consent.objects.filter(resident=resident, revoked_at__isnull=True).select_related(
            "organization", "recorded_by"
        )
        if c.expires_at is None or c.expires_at > now
    ]


@resident_required(linked=False)
def home(request: HttpRequest) -> HttpResponse:
    resident = request.resident
    context = {"resident": resident}
    if resident is not None:
        sections = my_plan_sections(resident)
        context.update(
            consents=_open_consents(resident),
            needs=list(resident.needs.filter(part2=False)[:20]),
            sections=sections,
            referral_section=sections.get("referrals"),
            assessment_section=sections.get("assessments"),
        )
    return render(request, "residents/my_plan/home.html", context)


@resident_required(linked=False)
def link_account(request: HttpRequest) -> HttpResponse:
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
def consents(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "residents/my_plan/consents.html",
        {"consents": _open_consents(request.resident), "grant_form": ResidentGrantForm()},
    )


@require_POST
@resident_required()
def grant(request: HttpRequest) -> HttpResponse:
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
        {"consents": _open_consents(request.resident), "grant_form": form},
        status=400,
    )


@require_POST
@resident_required()
def revoke(request: HttpRequest, consent_id) -> HttpResponse:
    consent = Consent.objects.filter(pk=consent_id, resident=request.resident).first()
    if consent is None:
        raise Http404
    try:
        version = int(request.POST.get("version", consent.version))
        consent_actions.revoke_consent(consent, actor=request.user, expected_version=version)
        messages.success(request, consent_actions.revoked_message(consent))
    except (ValueError, consent_actions.ConsentError) as error:
        messages.error(request, str(error) or _("Please try again."))
    return redirect("my_plan:consents")


@resident_required()
def access_log(request: HttpRequest) -> HttpResponse:
    """Who looked at my record, when, and under what consent (product 4.5), one row per visit."""
    page = Paginator(visits_of(request.resident), 50).get_page(request.GET.get("page"))
    visits = list(page.object_list)
    people = User.objects.in_bulk({v.actor_id for v in visits if v.actor_id})
    org_ids = {_uuid(v.organization_id) for v in visits if v.organization_id}
    organizations = Organization.objects.in_bulk([pk for pk in org_ids if pk]) if org_ids else {}
    entries = [
        {
            "first": visit.first,
            "last": visit.last,
            "reads": visit.reads,
            "who": getattr(people.get(visit.actor_id), "full_name", "") or _("Someone"),
            "organization": getattr(organizations.get(_uuid(visit.organization_id)), "name", "")
            or (_("United Way referral specialists") if visit.legal_basis == "referral_followup" else ""),
            "basis": _basis_label(visit.legal_basis),
        }
        for visit in visits
    ]
    return render(request, "residents/my_plan/access_log.html", {"entries": entries, "page": page})


def _uuid(value: str):
    import uuid

    try:
        return uuid.UUID(value)
    except ValueError:
        return None


def _basis_label(basis: str) -> str:
    if basis.startswith("consent:"):
        return _("Your consent")
    return {
        "self": _("You"),
        "referral": _("A referral"),
        "none": _("Name only (to refer you)"),
        "referral_followup": _("A follow-up call about your referral"),
    }.get(basis, basis)


@resident_required()
def privacy(request: HttpRequest) -> HttpResponse:
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
def print_history(request: HttpRequest) -> HttpResponse:
    """My history as a PDF, rendered by WeasyPrint from the same HTML partials as the page."""
    from weasyprint import HTML

    resident = request.resident
    sections = my_plan_sections(resident)
    context = {
        "resident": resident,
        "consents": _open_consents(resident),
        "needs": list(resident.needs.filter(part2=False)[:50]),
        "sections": sections,
        "referral_section": sections.get("referrals"),
        "printed_at": timezone.now(),
    }
    html = render_to_string("residents/my_plan/print.html", context, request=request)
    pdf = HTML(string=html, base_url=request.build_absolute_uri("/")).write_pdf()
    log_action(request.user, "resident.history_printed", resident, resident=resident, legal_basis="self")
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="my-wayfinder-history.pdf"'
    return response
