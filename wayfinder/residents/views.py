"""Staff pages for clients: search, create, the record, notes, the access-log export."""

from __future__ import annotations

from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import NotVisible, StaffRequest, staff_required, system_admin_required
from wayfinder.audit.log import log_action
from wayfinder.audit.names import RESIDENT_ACCESS_LOG_EXPORTED, RESIDENT_SEARCHED
from wayfinder.consent.access import REDISCLOSURE_NOTICE
from wayfinder.lib import csv_safe

from . import actions, selectors
from .forms import AccessLogExportForm, ClientSearchForm, CreateClientForm, NoteForm


@staff_required
@require_safe
def client_search(request: StaffRequest) -> HttpResponse:
    form = ClientSearchForm(request.GET or None)
    results = None
    if form.is_valid():
        results = selectors.search_clients(organization=request.organization, **form.cleaned_data)
        # Search results show names and masked contacts: which records were listed is logged too.
        log_action(
            request.user,
            RESIDENT_SEARCHED,
            purpose="client_search",
            data={"results": len(results), "residents": [str(r.resident.pk) for r in results]},
        )
    return render(request, "residents/search.html", {"form": form, "results": results})


@staff_required
@require_http_methods(["GET", "POST"])
def create_client(request: StaffRequest) -> HttpResponse:
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


@staff_required
@require_safe
def detail(request: StaffRequest, resident_id) -> HttpResponse:
    resident, access = selectors.resident_for(request.user, resident_id)
    context = selectors.record_context(resident, access)
    context.update(note_form=NoteForm(), redisclosure_notice=_(REDISCLOSURE_NOTICE))
    return render(request, "residents/detail.html", context)


@require_POST
@staff_required
def add_note(request: StaffRequest, resident_id) -> HttpResponse:
    resident, access = selectors.resident_for(request.user, resident_id, purpose="add_note")
    if not access.full:
        # Notes of a record without consent do not exist for this organization.
        raise NotVisible("notes", resident.pk, resident=resident, reason="no_consent")
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


@system_admin_required
@require_safe
def access_log_export(request: HttpRequest) -> HttpResponse:
    """System administrators download every audit entry about one resident (CSV):
    the HIPAA accounting of disclosures."""
    form = AccessLogExportForm(request.GET or None)
    if not form.is_valid():
        return render(request, "residents/access_log_export.html", {"form": form})
    resident = selectors.resident_for_accounting(form.cleaned_data["resident"])
    if resident is None:
        form.add_error("resident", _("No resident has that id."))
        return render(request, "residents/access_log_export.html", {"form": form}, status=404)
    events = selectors.audit_entries_about(resident)
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
    log_action(request.user, RESIDENT_ACCESS_LOG_EXPORTED, resident, resident=resident, purpose="accounting")
    return response
