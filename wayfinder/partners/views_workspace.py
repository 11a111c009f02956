"""The partner workspace: dashboard, organization self-service, favorites."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import StaffRequest, partner_admin_required, partner_member_required
from wayfinder.directory import availability
from wayfinder.directory.models import ProblemReport

from . import selectors, views_quality
from .forms_directory import LocationForm, OrganizationForm, ServiceForm
from .selectors import organization_location, organization_service
from .services import favorites, self_service


@partner_member_required
@require_safe
def dashboard(request: StaffRequest) -> HttpResponse:
    organization = request.organization
    context = {
        "organization": organization,
        "membership": request.membership,
        **selectors.workspace_summary(organization),
    }
    return render(request, "partners/dashboard.html", context)


@partner_member_required
@require_safe
def organization(request: StaffRequest) -> HttpResponse:
    org = request.organization
    locations = org.locations.prefetch_related("addresses", "phones").order_by("name")
    services = list(org.services.order_by("name"))
    shown = availability.of_services(s.pk for s in services)
    for service in services:
        service.shown_availability = shown.get(str(service.pk))
    context = {
        "organization": org,
        "locations": locations,
        "services": services,
        "is_admin": request.membership.role == "admin",
        "problem_reports": views_quality.open_reports(org),
        "problem_states": ProblemReport.Status.choices,
    }
    return render(request, "partners/organization.html", context)


@partner_admin_required
@require_http_methods(["GET", "POST"])
def organization_edit(request: StaffRequest) -> HttpResponse:
    org = request.organization
    form = OrganizationForm(request.POST or None, instance=org)
    if request.method == "POST":
        if form.is_valid():
            values = {name: form.cleaned_data[name] for name in form.Meta.fields}
            org.refresh_from_db()  # the form wrote onto the instance; compare against the database
            changes = self_service.edit_organization(org, values, request.user)
            messages.success(request, _("Saved.") if changes else _("Nothing changed."))
            return redirect("partners:organization")
        org.refresh_from_db()
    return render(request, "partners/record_form.html", {"form": form, "title": _("Edit organization details")})


@partner_admin_required
@require_http_methods(["GET", "POST"])
def location_edit(request: StaffRequest, location_id=None) -> HttpResponse:
    from wayfinder.directory.models import Location

    org = request.organization
    location = organization_location(org, location_id) if location_id else Location(organization=org)
    form = LocationForm(request.POST or None, instance=location)
    if request.method == "POST" and form.is_valid():
        if location_id:  # the form wrote onto the instance; compare against the database
            location.refresh_from_db()
        self_service.save_location(
            org, location, form.location_values(), form.address_values(), form.cleaned_data["phone"], request.user
        )
        messages.success(request, _("Location saved."))
        return redirect("partners:organization")
    title = _("Edit location") if location_id else _("Add a location")
    context = {"form": form, "title": title, "map_tile_url": settings.MAP_TILE_URL}
    return render(request, "partners/record_form.html", context)


@partner_admin_required
@require_http_methods(["GET", "POST"])
def service_edit(request: StaffRequest, service_id=None) -> HttpResponse:
    from wayfinder.directory.models import Service

    org = request.organization
    service = organization_service(org, service_id) if service_id else Service(organization=org)
    form = ServiceForm(request.POST or None, instance=service, organization=org)
    if request.method == "POST" and form.is_valid():
        if service_id:
            service.refresh_from_db()
        self_service.save_service(
            org,
            service,
            form.service_values(),
            form.cleaned_data["locations"],
            request.user,
            categories=form.cleaned_data["categories"],
        )
        messages.success(request, _("Service saved."))
        return redirect("partners:organization")
    title = _("Edit service") if service_id else _("Add a service")
    return render(request, "partners/record_form.html", {"form": form, "title": title})


@partner_member_required
@require_safe
def favorite_list(request: StaffRequest) -> HttpResponse:
    items = selectors.favorites_of(request.organization)
    return render(request, "partners/favorites.html", {"favorites": items})


def _safe_next(request: HttpRequest, fallback: str = "partners:favorites"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@partner_member_required
@require_POST
def favorite_add(request: StaffRequest) -> HttpResponse:
    service = selectors.service_to_favorite(request.POST.get("service_id", ""))
    _favorite, created = favorites.add_favorite(request.organization, service, request.user)
    if created:
        messages.success(request, _("“%(name)s” was added to your favorites.") % {"name": service.name})
    else:
        messages.info(request, _("“%(name)s” is already in your favorites.") % {"name": service.name})
    return _safe_next(request)


@partner_member_required
@require_POST
def favorite_remove(request: StaffRequest, favorite_id: int) -> HttpResponse:
    favorites.remove_favorite(selectors.favorite_for(request.organization, favorite_id), request.user)
    messages.success(request, _("Removed from favorites."))
    return redirect("partners:favorites")


@partner_member_required
@require_POST
def favorite_move(request: StaffRequest, favorite_id: int) -> HttpResponse:
    favorites.move_favorite(
        selectors.favorite_for(request.organization, favorite_id), request.POST.get("direction", ""), request.user
    )
    return redirect("partners:favorites")
