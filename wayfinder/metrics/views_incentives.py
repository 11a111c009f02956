"""The incentive report for United Way reviewers and system administrators."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_POST

from wayfinder.audit.log import log_action
from wayfinder.audit.names import INCENTIVE_REPORT_DOWNLOADED

from . import selectors
from .incentives import render as report_files
from .incentives import store
from .models import HeldItem, IncentiveReport
from .rules import incentives_required

RULE_LABELS = {
    "self_closed_quickly": gettext_lazy("Closed by the organization that created it, within minutes"),
    "closed_without_activity": gettext_lazy("Closed with no status change or note"),
    "repeat_assessment": gettext_lazy("Same resident assessed again by the same organization within 30 days"),
    "burst": gettext_lazy("Far above the organization's own history"),
}


@never_cache
@require_GET
@incentives_required
def report_list(request: HttpRequest) -> HttpResponse:
    page = Paginator(selectors.reports(), 24).get_page(request.GET.get("page"))
    held = selectors.held_count()
    return render(request, "metrics/incentives/list.html", {"page": page, "held_count": held})


@never_cache
@require_GET
@incentives_required
def report_detail(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    context = report_files.statement_context(report)
    context["newer"] = selectors.newer_version(report)
    return render(request, "metrics/incentives/detail.html", context)


def _download(request: HttpRequest, report: IncentiveReport, kind: str, body: bytes, content_type: str) -> HttpResponse:
    log_action(
        request.user,
        INCENTIVE_REPORT_DOWNLOADED,
        report,
        data={"format": kind, "month": f"{report.month:%Y-%m}", "version": report.version, "sha256": report.sha256},
    )
    response = HttpResponse(body, content_type=content_type)
    name = f"incentives-{report.month:%Y-%m}-v{report.version}.{kind}"
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    response["Cache-Control"] = "no-store"
    return response


@require_GET
@incentives_required
def report_csv(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    return _download(request, report, "csv", report_files.csv_bytes(report), "text/csv; charset=utf-8")


@require_GET
@incentives_required
def report_pdf(request: HttpRequest, report_id: int) -> HttpResponse:
    report = selectors.report_for(request.user, report_id)
    return _download(request, report, "pdf", report_files.pdf_bytes(report), "application/pdf")


@never_cache
@require_GET
@incentives_required
def held_items(request: HttpRequest) -> HttpResponse:
    status = request.GET.get("status", HeldItem.Status.HELD)
    if status not in HeldItem.Status.values:
        status = HeldItem.Status.HELD
    page = Paginator(selectors.held_items(status), 100).get_page(request.GET.get("page"))
    names = selectors.organization_names({i.organization_id for i in page})
    rows = [
        {
            "item": item,
            "organization": names.get(item.organization_id, ""),
            "rules": [str(RULE_LABELS.get(r, r)) for r in item.rules],
        }
        for item in page
    ]
    return render(
        request,
        "metrics/incentives/held.html",
        {"page": page, "rows": rows, "status": status, "statuses": HeldItem.Status.choices},
    )


@require_POST
@incentives_required
def decide_held(request: HttpRequest) -> HttpResponse:
    ids = [int(value) for value in request.POST.getlist("item") if value.isdigit()]
    decision = request.POST.get("decision", "")
    try:
        count = store.decide(request.user, ids, decision, request.POST.get("note", ""))
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return redirect("metrics:held_items")
    if decision == HeldItem.Status.RELEASED:
        messages.success(request, _("%(count)d item(s) released: they are paid in the next report.") % {"count": count})
    else:
        messages.success(request, _("%(count)d item(s) rejected: they are not paid.") % {"count": count})
    return redirect("metrics:held_items")
