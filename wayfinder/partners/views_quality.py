"""A directory whose freshness is visible and verified (issue #21 item 3): the
organization confirms its services ("still correct") and answers problem reports
about them; United Way reviewers see every open problem report, the services not
verified for a year, and the "this did not work" counts per service."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST, require_safe

from wayfinder.accounts.access import NotVisible, StaffRequest, partner_admin_required, reviewer_required
from wayfinder.directory import actions as directory_actions
from wayfinder.directory import freshness
from wayfinder.directory.models import ProblemReport, Service, Source

from .selectors import organization_service

OPEN_STATES = (ProblemReport.Status.NEW, ProblemReport.Status.BEING_FIXED)


class ProblemReportUpdateForm(forms.Form):
    status = forms.ChoiceField(label=gettext_lazy("State"), choices=ProblemReport.Status.choices)
    reply = forms.CharField(
        label=gettext_lazy("Reply to the person who reported it (optional)"),
        required=False,
        max_length=directory_actions.MAX_REPLY,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


def open_reports(organization=None):
    reports = ProblemReport.objects.filter(status__in=OPEN_STATES).select_related("service", "service__organization")
    if organization is not None:
        reports = reports.filter(service__organization=organization)
    return reports.order_by("created_at")


def _update(request: HttpRequest, report: ProblemReport, back: str) -> HttpResponse:
    form = ProblemReportUpdateForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose the report's new state."))
        return redirect(back)
    try:
        directory_actions.update_problem_report(
            report=report, actor=request.user, status=form.cleaned_data["status"], reply=form.cleaned_data["reply"]
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("Report updated."))
    return redirect(back)


# --- the organization ---------------------------------------------------------------------


@require_POST
@partner_admin_required
def service_verify(request: StaffRequest, service_id) -> HttpResponse:
    """ "Still correct" in one click."""
    service = organization_service(request.organization, service_id)
    directory_actions.verify_service(service=service, actor=request.user, source=Source.PARTNER)
    messages.success(request, _("Thank you: %(service)s is marked as verified today.") % {"service": service.name})
    return redirect("partners:organization")


@require_POST
@partner_admin_required
def organization_problem_update(request: StaffRequest, report_id) -> HttpResponse:
    report = ProblemReport.objects.filter(pk=report_id, service__organization=request.organization).first()
    if report is None:
        raise NotVisible("problem report", report_id)
    return _update(request, report, "partners:organization")


# --- United Way reviewers ---------------------------------------------------------------------


@reviewer_required
@require_safe
def directory_quality(request: HttpRequest) -> HttpResponse:
    stale = freshness.stale_services()
    context = {
        "reports": open_reports()[:100],
        "stale_count": stale.count(),
        "stale": stale[:50],
        "did_not_work": freshness.did_not_work_counts(),
        "form": ProblemReportUpdateForm(),
    }
    return render(request, "partners/directory_quality.html", context)


@require_POST
@reviewer_required
def reviewer_problem_update(request: HttpRequest, report_id) -> HttpResponse:
    report = ProblemReport.objects.filter(pk=report_id).first()
    if report is None:
        raise NotVisible("problem report", report_id)
    return _update(request, report, "partners:directory_quality")


@require_POST
@reviewer_required
def reviewer_verify(request: HttpRequest, service_id) -> HttpResponse:
    service = Service.objects.filter(pk=service_id).first()
    if service is None:
        raise NotVisible("service", service_id)
    directory_actions.verify_service(service=service, actor=request.user, source=Source.REVIEWER)
    messages.success(request, _("Thank you: %(service)s is marked as verified today.") % {"service": service.name})
    return redirect("partners:directory_quality")
