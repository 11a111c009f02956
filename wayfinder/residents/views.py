"""Staff pages for clients: search, create, the record, notes, the access-log export."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from wayfinder.accounts.roles import global_role_required
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.consent.access import REDISCLOSURE_NOTICE, staff_organization
from wayfinder.lib import csv_safe

from . import actions, selectors
from .forms import AccessLogExportForm, ClientSearchForm, CreateClientForm, NoteForm
from .models import Resident


def partner_staff_required(view):
    """Staff of an onboarded organization (partner, agency, hospital); others get 403."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        organization = staff_organization(request.user)
        if organization is None:
            raise PermissionDenied
        request.organization = organization
        return view(request, *args, **kwargs)

    return wrapper


@partner_staff_required
def client_search(request: HttpRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = selectors.search_clients(organization=request.organization, **form.cleaned_data)
        # Search results show names and masked contacts: which records were listed is logged too.
        log_action(
            request.user,
            "resident.searched",
            purpose="client_search",
            data={"results": len(results), "residents": [str(r.resident.pk) for r in results]},
        )
    return render(request, "residents/search.html", {"form": form, "results": results})


@partner_staff_required
def create_client(request: HttpRequest) -> HttpResponse:
    form = CreateClientForm(request.POST or request.GET or None)
    duplicates = []
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        duplicates = selectors.find_duplicates(
            organization=request.organization,
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
        if not duplicates or data["confirm_new"]:
            resident = actions.create_client(
                organization=request.organization,
                actor=request.user,
                first_name=data["first_name"],
                last_name=data["last_name"],
                date_of_birth=data["date_of_birth"],
                email=data["email"],
                phone=data["phone"],
            )
            messages.success(request, _("Client created."))
            return redirect("residents:detail", resident.pk)
    return render(request, "residents/create.html", {"form": form, "duplicates": duplicates})


@partner_staff_required
def detail(request: HttpRequest, resident_id) -> HttpResponse:
    resident, access = selectors.get_resident_for(request.user, resident_id)
    context = selectors.record_context(resident, access)
    context.update(note_form=NoteForm(), redisclosure_notice=_(REDISCLOSURE_NOTICE))
    return render(request, "residents/detail.html", context)


@require_POST
@partner_staff_required
def add_note(request: HttpRequest, resident_id) -> HttpResponse:
    resident, access = selectors.get_resident_for(request.user, resident_id, purpose="add_note")
    if not access.full:
        raise Http404  # notes of a record without consent do not exist for this organization
    form = NoteForm(request.POST)
    if form.is_valid():
        try:
            actions.add_note(resident=resident, access=access, actor=request.user, **form.cleaned_data)
            messages.success(request, _("Note added."))
        except actions.ResidentError as error:
            messages.error(request, str(error))
    else:
        messages.error(request, _("Write a note of up to 4,000 characters."))
    return redirect("residents:detail", resident.pk)


@global_role_required("system_admin")
def access_log_export(request: HttpRequest) -> HttpResponse:
    """System administrators download every audit entry about one resident (CSV):
    the HIPAA accounting of disclosures."""
    form = AccessLogExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "residents/access_log_export.html", {"form": form})
    resident = _resident_by_any_id(form.cleaned_data["resident"])
    if resident is None:
        form.add_error("resident", _("No resident has that id."))
        return render(request, "residents/access_log_export.html", {"form": form}, status=404)
    events = AuditEvent.objects.filter(resident_id=str(resident.pk)).order_by("seq")
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="access-log-{resident.pk}.csv"'
    writer = csv_safe.writer(response)
    columns = [
        "seq",
        "event_id",
        "occurred_at",
        "action",
        "outcome",
        "actor_id",
        "actor_label",
        "actor_organization_id",
        "actor_role",
        "auth_level",
        "ip_address",
        "request_id",
        "object_type",
        "object_id",
        "resident_id",
        "legal_basis",
        "purpose",
    ]
    writer.writerow(columns)
    for row in events.values_list(*columns).iterator():
        writer.writerow(row)
    log_action(request.user, "resident.access_log_exported", resident, resident=resident, purpose="accounting")
    return response


def _resident_by_any_id(value: str) -> Resident | None:
    value = value.strip()
    by_individual = Resident.objects.filter(individual_id=value.upper()).first()
    if by_individual:
        return by_individual
    try:
        return Resident.objects.filter(pk=value).first()
    except (ValueError, ValidationError):  # not a UUID
        return None
