"""The partner workspace: dashboard, organization self-service, favorites."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from wayfinder.accounts.models import Membership

from .access import member_required
from .forms_directory import LocationForm, OrganizationForm, ServiceForm
from .models import Favorite, Invitation, OnboardingProgress, Partner
from .selectors import organization_location, organization_service
from .services import favorites, self_service


@member_required
def dashboard(request: HttpRequest) -> HttpResponse:
    organization = request.organization
    partner = Partner.objects.filter(organization=organization).first()
    memberships = Membership.objects.filter(organization=organization)
    context = {
        "organization": organization,
        "partner": partner,
        "membership": request.membership,
        "staff_count": memberships.filter(is_active=True).count(),
        "pending_invitations": Invitation.objects.filter(
            organization=organization, used_at__isnull=True, revoked_at__isnull=True
        ).count(),
        "staff_in_onboarding": OnboardingProgress.objects.filter(
            user__memberships__organization=organization, user__memberships__is_active=True, completed_at__isnull=True
        ).count(),
        "favorite_count": Favorite.objects.filter(organization=organization).count(),
    }
    return render(request, "partners/dashboard.html", context)


@member_required
def organization(request: HttpRequest) -> HttpResponse:
    org = request.organization
    locations = org.locations.prefetch_related("addresses", "phones").order_by("name")
    services = org.services.order_by("name")
    context = {
        "organization": org,
        "locations": locations,
        "services": services,
        "is_admin": request.membership.role == "admin",
    }
    return render(request, "partners/organization.html", context)


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def organization_edit(request: HttpRequest) -> HttpResponse:
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


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def location_edit(request: HttpRequest, location_id=None) -> HttpResponse:
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
    return render(request, "partners/record_form.html", {"form": form, "title": title})


@member_required(admin=True)
@require_http_methods(["GET", "POST"])
def service_edit(request: HttpRequest, service_id=None) -> HttpResponse:
    from wayfinder.directory.models import Service

    org = request.organization
    service = organization_service(org, service_id) if service_id else Service(organization=org)
    form = ServiceForm(request.POST or None, instance=service, organization=org)
    if request.method == "POST" and form.is_valid():
        if service_id:
            service.refresh_from_db()
        self_service.save_service(org, service, form.service_values(), form.cleaned_data["locations"], request.user)
        messages.success(request, _("Service saved."))
        return redirect("partners:organization")
    title = _("Edit service") if service_id else _("Add a service")
    return render(request, "partners/record_form.html", {"form": form, "title": title})


@member_required
def favorite_list(request: HttpRequest) -> HttpResponse:
    items = list(
        Favorite.objects.filter(organization=request.organization).select_related("service", "service__organization")
    )
    return render(request, "partners/favorites.html", {"favorites": items})


def _safe_next(request: HttpRequest, fallback: str = "partners:favorites"):
    target = request.POST.get("next", "")
    if target and url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return redirect(target)
    return redirect(fallback)


@member_required
@require_POST
def favorite_add(request: HttpRequest) -> HttpResponse:
    from django.core.exceptions import ValidationError

    from wayfinder.directory.models import Service

    try:
        service = Service.objects.filter(pk=request.POST.get("service_id", "")).first()
    except ValidationError:
        service = None
    if service is None:
        raise Http404
    _favorite, created = favorites.add_favorite(request.organization, service, request.user)
    if created:
        messages.success(request, _("“%(name)s” was added to your favorites.") % {"name": service.name})
    else:
        messages.info(request, _("“%(name)s” is already in your favorites.") % {"name": service.name})
    return _safe_next(request)


def _favorite(request: HttpRequest, favorite_id: int) -> Favorite:
    favorite = Favorite.objects.filter(organization=request.organization, pk=favorite_id).first()
    if favorite is None:
        raise Http404
    return favorite


@member_required
@require_POST
def favorite_remove(request: HttpRequest, favorite_id: int) -> HttpResponse:
    favorites.remove_favorite(_favorite(request, favorite_id), request.user)
    messages.success(request, _("Removed from favorites."))
    return redirect("partners:favorites")


@member_required
@require_POST
def favorite_move(request: HttpRequest, favorite_id: int) -> HttpResponse:
    favorites.move_favorite(_favorite(request, favorite_id), request.POST.get("direction", ""), request.user)
    return redirect("partners:favorites")
