"""The public service page and its "report a problem" form."""

from __future__ import annotations

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.views.decorators.http import require_POST, require_safe

from . import actions, availability, freshness, pages, service_page
from .extension_points import PAIRED_HISTORY
from .forms import DidNotWorkForm, ProblemReportForm
from .sharing import my_list_ids

# The service whose problem report this browser just sent: its page thanks the person next to
# the form (the redirect lands there, #report), not at the top of the page out of view.
REPORTED_KEY = "directory_reported_service"


@require_safe
def service(request: HttpRequest, service_id: str) -> HttpResponse:
    svc = service_page.load_service(service_id)
    context = _context(request, svc, ProblemReportForm())
    context["reported"] = request.session.pop(REPORTED_KEY, None) == str(svc.pk)
    context["said_did_not_work"] = request.session.pop(REPORTED_KEY + "_dnw", None) == str(svc.pk)
    return render(request, "directory/service.html", context)


def _context(request: HttpRequest, svc, report_form: ProblemReportForm) -> dict:
    places = service_page.places(svc)
    first = next((p for p in places if p.lat is not None), None)
    return {
        "service": svc,
        "organization": svc.organization,
        "partner": svc.organization.is_partner,
        "places": places,
        "service_hours": [] if places else service_page.service_hours(svc),
        "languages": sorted({lang.name or lang.code for lang in svc.languages.all()}),
        "phones": list(svc.phones.all()),
        "fees": service_page.fees_text(svc),
        "documents": [d.document for d in svc.required_documents.all() if d.document],
        "categories": [(slug, pages.label(slug)) for slug in sorted(svc.categories or [])],
        "other_here": service_page.other_services_here(svc),
        "related": service_page.related_services(svc, first),
        "paired": _paired(svc),
        "map_tile_url": settings.MAP_TILE_URL,
        "map_points": [p for p in places if p.lat is not None],
        "map_points_json": [
            {"lat": p.lat, "lon": p.lon, "name": p.name or p.address} for p in places if p.lat is not None
        ],
        "in_list": str(svc.pk) in my_list_ids(request),
        "report_form": report_form,
        "last_verified": svc.last_verified or svc.organization.last_verified,
        "availability": availability.of_service(svc),
        "verified": freshness.last_verified(svc),
        "did_not_work_form": DidNotWorkForm(),
    }


def _paired(svc) -> list:
    """'Frequently paired together' from every history the other apps supply
    (directory.extension_points.PAIRED_HISTORY; the referrals app provides one)."""
    for history in PAIRED_HISTORY:
        paired = service_page.paired_services(svc, history=history(svc.pk))
        if paired:
            return paired
    return []


@require_POST
def report_problem(request: HttpRequest, service_id: str) -> HttpResponse:
    svc = service_page.load_service(service_id)
    form = ProblemReportForm(request.POST)
    if not form.is_valid():
        return render(request, "directory/service.html", _context(request, svc, form), status=400)
    actions.report_problem(service=svc, actor=request.user, language=get_language() or "", **form.cleaned_data)
    request.session[REPORTED_KEY] = str(svc.pk)
    return redirect(reverse("directory:service", args=[svc.pk]) + "#report")


DID_NOT_WORK_KEY = "directory_did_not_work"


@require_POST
def did_not_work(request: HttpRequest, service_id: str) -> HttpResponse:
    """ "This did not work" (issue #21 item 3), from the service page or a closed referral;
    one per service per browser session, so a reload does not count twice."""
    svc = service_page.load_service(service_id)
    form = DidNotWorkForm(request.POST)
    if not form.is_valid():
        context = {**_context(request, svc, ProblemReportForm()), "did_not_work_form": form}
        return render(request, "directory/service.html", context, status=400)
    said = set(request.session.get(DID_NOT_WORK_KEY, []))
    if str(svc.pk) not in said:
        actions.record_did_not_work(
            service=svc,
            actor=request.user,
            reason=form.cleaned_data["reason"],
            where=form.cleaned_data["where"] or "service_page",
        )
        request.session[DID_NOT_WORK_KEY] = sorted(said | {str(svc.pk)})[-200:]
    request.session[REPORTED_KEY + "_dnw"] = str(svc.pk)
    return redirect(reverse("directory:service", args=[svc.pk]) + "#did-not-work")
