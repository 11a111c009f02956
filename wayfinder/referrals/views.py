"""Inbox, outbox and the referral detail page with its actions."""

from __future__ import annotations

from functools import wraps

from django.contrib import messages
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from . import actions, contacts, selectors
from .forms import AssignForm, CloseForm, ListFilterForm, NoteForm, StatusForm
from .models import Status


def signed_in(view):
    """Anonymous people are sent to sign in (before anything is looked up)."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        return view(request, *args, **kwargs)

    return wrapper


def staff_of_organization(view):
    """Signed-in staff of an onboarded organization; ``request.organization`` is it."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        from wayfinder.consent.access import staff_organization

        organization = staff_organization(request.user)
        if organization is None:
            raise PermissionDenied(_("Referral tools are for staff of onboarded organizations."))
        step = _unfinished_onboarding_step(request.user)
        if step:
            return redirect(step)
        request.organization = organization
        return view(request, *args, **kwargs)

    return wrapper


def _unfinished_onboarding_step(user) -> str | None:
    """Staff who have not finished onboarding (agreement, trainings) go there first."""
    from wayfinder.partners.services.onboarding import next_step_url

    return next_step_url(user)


def organization_staff(organization) -> list:
    """Who referrals can be assigned to and filtered by (``selectors.assignable_staff``)."""
    return selectors.assignable_staff(organization)


def _referral_list(request: HttpRequest, *, box: str) -> HttpResponse:
    staff = organization_staff(request.organization)
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


@staff_of_organization
def inbox(request: HttpRequest) -> HttpResponse:
    return _referral_list(request, box="inbox")


@staff_of_organization
def outbox(request: HttpRequest) -> HttpResponse:
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
        context["follow_ups"] = list(referral.follow_ups.order_by("created_at"))
    if side == "receiver" and referral.status != Status.CLOSED:
        staff = organization_staff(referral.receiving_organization)
        context["status_form"] = forms.get("status_form") or StatusForm(initial={"version": referral.version})
        context["assign_form"] = forms.get("assign_form") or AssignForm(
            initial={"version": referral.version, "assignee": referral.assigned_to_id or ""}, staff=staff
        )
    context["resident_access"] = _resident_access(request.user, referral)
    return context


def _resident_access(user, referral):
    """Limited or full by consent: decides which resident details the page shows."""
    if selectors.viewer_side(user, referral) in {"resident", "specialist"}:
        return None
    from wayfinder.consent.access import record_access

    return record_access(user, referral.resident)


@signed_in
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
    form = AssignForm(request.POST, staff=organization_staff(referral.receiving_organization))
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
def close(request: HttpRequest, referral_id) -> HttpResponse:
    referral = selectors.referral_for(request.user, referral_id)
    actions.require_receiver(request.user, referral)
    if referral.status == Status.CLOSED:
        messages.info(request, _("This referral is already closed."))
        return redirect("referrals:detail", referral.pk)
    form = CloseForm(request.POST or None, initial={"version": referral.version})
    if request.method == "POST" and form.is_valid():
        try:
            actions.close_referral(actor=request.user, referral=referral, **form.outcome())
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
