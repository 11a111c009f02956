"""Inbox, outbox and the referral detail page with its actions."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from wayfinder.accounts.access import StaffRequest, signed_in, staff_required

from . import actions, closing, contacts, links, selectors
from .forms import AssignForm, CloseForm, ListFilterForm, NoteForm, StatusForm
from .models import Status


def _referral_list(request: HttpRequest, *, box: str) -> HttpResponse:
    staff = selectors.assignable_staff(request.organization)
    form = ListFilterForm(request.GET or None, staff=staff)
    filters = selectors.ListFilters()
    active_filters = 0
    if form.is_bound and form.is_valid():
        filters = selectors.ListFilters(
            **{k: v or ("" if k in {"client", "status", "assignee"} else None) for k, v in form.cleaned_data.items()}
        )
        active_filters = sum(1 for value in form.cleaned_data.values() if value)
    try:
        page_number = int(request.GET.get("page", "1"))
    except ValueError:
        page_number = 1
    lister = selectors.inbox if box == "inbox" else selectors.outbox
    page = lister(request.user, request.organization, filters, page_number)
    selectors.log_list_read(request.user, box, page.items, client_filter=bool(filters.client))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "referrals/list.html",
        {
            "box": box,
            "form": form,
            "page": page,
            "query": query.urlencode(),
            "organization": request.organization,
            "active_filters": active_filters,
        },
    )


@staff_required
@require_safe
def inbox(request: StaffRequest) -> HttpResponse:
    return _referral_list(request, box="inbox")


@staff_required
@require_safe
def outbox(request: StaffRequest) -> HttpResponse:
    return _referral_list(request, box="outbox")


def _detail_context(request: HttpRequest, referral, **forms) -> dict:
    side = selectors.viewer_side(request.user, referral)
    context = {
        "referral": referral,
        "side": side,
        # The resident reads her referral inside My Plan, staff inside the workspace.
        "layout": "referrals/_resident_layout.html" if side == "resident" else "workspace/base.html",
        "events": referral.events.select_related("actor", "actor_organization"),
        "notes": referral.notes.select_related("author", "organization"),
        "note_form": forms.get("note_form") or NoteForm(),
        "partner": contacts.partner_contacts(referral),
    }
    if side == "specialist":
        context["follow_ups"] = selectors.follow_ups_of(referral)
    if side == "receiver" and referral.status != Status.CLOSED:
        staff = selectors.assignable_staff(referral.receiving_organization)
        context["status_form"] = forms.get("status_form") or StatusForm(initial={"version": referral.version})
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            initial={"version": referral.version, "assignee": referral.assigned_to_id or ""}, staff=staff
        )
    if side != "resident":
        context["handled_by_link"] = bool(links.handled_by_link([referral.pk]))
    elif referral.status == Status.CLOSED:
        from wayfinder.directory.models import DidNotWork

        context["did_not_work_reasons"] = DidNotWork.Reason.choices
    context["resident_access"] = _resident_access(request.user, referral)
    selectors.log_detail_read(request.user, referral, side, context["resident_access"])
    return context


def _resident_access(user, referral):
    """Limited or full by consent: decides which resident details the page shows."""
    if selectors.viewer_side(user, referral) in {"resident", "specialist"}:
        return None
    from wayfinder.consent.access import record_access

    return record_access(user, referral.resident)


@signed_in
@require_safe
def detail(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    return render(request, "referrals/detail.html", _detail_context(request, referral))


def _changed(request: HttpRequest, error: actions.ReferralChanged) -> HttpResponse:
    """The loser of a race sees what the referral is now, and nothing is overwritten."""
    messages.warning(
        request,
        _("This referral changed while you were looking at it. Here is its current state; nothing you sent was saved."),
    )
    return render(request, "referrals/detail.html", _detail_context(request, error.current), status=409)


@require_POST
@signed_in
def change_status(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        return render(
            request, "referrals/detail.html", _detail_context(request, referral, status_form=form), status=400
        )
    try:
        actions.change_status(
            actor=request.user,
            referral=referral,
            to_status=form.cleaned_data["status"],
            expected_version=form.cleaned_data["version"],
        )
    except actions.ReferralChanged as error:
        return _changed(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", referral.pk)
    messages.success(request, _("Status updated."))
    return redirect("referrals:detail", referral.pk)


@require_POST
@signed_in
def assign(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    actions.require_receiver(request.user, referral)
    form = AssignForm(request.POST, staff=selectors.assignable_staff(referral.receiving_organization))
    if not form.is_valid():
        return render(
            request, "referrals/detail.html", _detail_context(request, referral, assign_form=form), status=400
        )
    try:
        actions.assign(
            actor=request.user,
            referral=referral,
            assignee=form.assignee_user(),
            expected_version=form.cleaned_data["version"],
        )
    except actions.ReferralChanged as error:
        return _changed(request, error)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
        return redirect("referrals:detail", referral.pk)
    messages.success(request, _("Assignment saved."))
    return redirect("referrals:detail", referral.pk)


@require_POST
@signed_in
def add_note(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    side = selectors.viewer_side(request.user, referral)
    if side == "resident":
        raise PermissionDenied
    form = NoteForm(request.POST)
    if not form.is_valid():
        return render(request, "referrals/detail.html", _detail_context(request, referral, note_form=form), status=400)
    organization = {"receiver": referral.receiving_organization, "sender": referral.sending_organization}.get(side)
    actions.add_note(actor=request.user, referral=referral, body=form.cleaned_data["body"], organization=organization)
    messages.success(request, _("Note added."))
    return redirect("referrals:detail", referral.pk)


@signed_in
@require_http_methods(["GET", "POST"])
def close(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    actions.require_receiver(request.user, referral)
    if referral.status == Status.CLOSED:
        messages.info(request, _("This referral is already closed."))
        return redirect("referrals:detail", referral.pk)
    form = CloseForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            closing.close_referral(actor=request.user, referral=referral, **form.outcome())
        except actions.ReferralChanged as error:
            return _changed(request, error)
        except ValidationError as error:
            add_errors(form, error)
        else:
            messages.success(request, _("Referral closed. Thank you for recording the outcome."))
            return redirect("referrals:detail", referral.pk)
    status = 400 if request.method == "POST" else 200
    return render(request, "referrals/close.html", {"referral": referral, "form": form}, status=status)


def add_errors(form, error: ValidationError) -> None:
    """Show an action's validation errors on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)
