"""Creating referrals: organization → location → service → submit (product 5.1),
several at once from favorites, and a resident referring themselves."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_http_methods, require_POST

from wayfinder.accounts.access import StaffRequest, staff_required

from . import actions, capacity_step, selectors
from .forms import CreateForm
from .models import Origin


def _resident_for_referral(request: HttpRequest, resident_id):
    """The resident, if the staff member may refer them (any visible record: a
    referral never needs consent, product 4.3)."""
    from wayfinder.residents.selectors import resident_for

    resident, _access = resident_for(request.user, resident_id, purpose="create_referral")
    return resident


@staff_required
@require_http_methods(["GET", "POST"])
def create(request: StaffRequest, resident_id) -> HttpResponse:
    """One page per step, driven by the query string so it works without JavaScript
    and the back button does what people expect."""
    resident = _resident_for_referral(request, resident_id)
    context: dict = {"resident": resident, "organization": request.organization}
    org_id, location_id, service_id = (request.GET.get(k) or "" for k in ("org", "location", "service"))
    target = selectors.organization_to_refer_to(org_id)
    if target is None:
        query = request.GET.get("q", "").strip()
        context.update(query=query, favorites=selectors.favorites_of(request.organization))
        if query:
            context["results"] = selectors.organizations_to_refer_to(query)
        return render(request, "referrals/create_organization.html", context)
    context["target"] = target
    locations = selectors.referral_locations(target)
    location = next((loc for loc in locations if str(loc.pk) == location_id), None)
    if location is None and len(locations) > 1 and not service_id:
        context["locations"] = locations
        return render(request, "referrals/create_location.html", context)
    location = location or (locations[0] if len(locations) == 1 else None)
    services = selectors.referral_services(target, location)
    service = next((svc for svc in services if str(svc.pk) == service_id), None)
    if service is None:
        context.update(location=location, services=services)
        return render(request, "referrals/create_service.html", context)
    form = CreateForm(request.POST or None)
    context.update(location=location, service=service, form=form, **capacity_step.step_context(service))
    if request.method == "POST" and form.is_valid() and capacity_step.check(form, request.POST, service):
        try:
            referral = actions.create_referral(
                actor=request.user,
                resident=resident,
                service=service,
                location=location,
                sending_organization=request.organization,
                note=form.cleaned_data["note"],
                pre_consent=form.cleaned_data["pre_consent"],
            )
        except ValidationError as error:
            form.add_error(None, error.messages)
        else:
            messages.success(request, _("Referral sent to %(org)s.") % {"org": target.name})
            return redirect("referrals:detail", referral.pk)
    return render(request, "referrals/create_confirm.html", context, status=400 if form.errors else 200)


@require_POST
@staff_required
def create_from_favorites(request: StaffRequest, resident_id) -> HttpResponse:
    """Several referrals in one step: every ticked favorite becomes a referral."""
    resident = _resident_for_referral(request, resident_id)
    favorite_service_ids = {str(fav.service_id) for fav in selectors.favorites_of(request.organization)}
    chosen = [sid for sid in request.POST.getlist("service") if sid in favorite_service_ids]
    if not chosen:
        messages.error(request, _("Tick at least one service from your favorites."))
        return redirect("referrals:create", resident.pk)
    services = selectors.services_by_ids(chosen)
    choices = [actions.ServiceChoice(service, selectors.single_location(service)) for service in services]
    try:
        referrals = actions.create_referrals(
            actor=request.user,
            resident=resident,
            choices=choices,
            sending_organization=request.organization,
            note=request.POST.get("note", "")[:4000],
            pre_consent=request.POST.get("pre_consent") == "on",
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:create", resident.pk)
    count = len(referrals)
    messages.success(
        request, ngettext("%(count)d referral sent.", "%(count)d referrals sent.", count) % {"count": count}
    )
    return redirect("referrals:outbox")


@require_POST
def self_refer(request: HttpRequest, service_id) -> HttpResponse:
    """A signed-in resident refers themselves from a service page."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.POST.get("next") or "/")
    resident = getattr(request.user, "resident", None)
    if resident is None:
        messages.info(request, _("Link your account to your record first, then you can refer yourself."))
        return redirect("my_plan:link")
    service = selectors.active_service_for_self_referral(service_id)
    try:
        referral = actions.create_referral(
            actor=request.user,
            resident=resident,
            service=service,
            location=selectors.single_location(service),
            origin=Origin.SELF,
            # The resident's own step: also let the organization see their record.
            pre_consent=request.POST.get("share_record") == "on",
        )
    except (ValidationError, PermissionDenied) as error:
        messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
        return redirect("directory:service", service.pk)
    messages.success(
        request, _("You referred yourself to %(org)s. They will contact you.") % {"org": service.organization.name}
    )
    return redirect("referrals:detail", referral.pk)
