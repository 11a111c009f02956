"""Dashboards: an organization's, the statewide page, the public page; their CSV."""

from __future__ import annotations

import io

from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBadRequest
from django.shortcuts import render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from wayfinder.accounts.access import StaffRequest, partner_member_required
from wayfinder.lib import csv_safe

from . import public
from .charts import Table
from .forms import period_form
from .pages import newest_received, organization_page, statewide_page
from .periods import PRESETS, preset, today
from .refresh import refresh_if_stale
from .rules import may_see_statewide, statewide_required


@never_cache
@require_GET
@partner_member_required
def organization(request: StaffRequest) -> HttpResponse:
    """The organization's dashboard (docs/product.md 7.1) with a date-range filter."""
    as_of = refresh_if_stale()
    form = period_form(request)
    period = form.chosen()
    context = organization_page(request.organization.pk, period, today())
    context.update(
        organization=request.organization,
        form=form,
        period=period,
        as_of=as_of,
        newest=newest_received(request.user, request.organization),
        statewide=may_see_statewide(request.user),
        query=request.GET.urlencode(),
    )
    return render(request, "metrics/organization.html", context)


@never_cache
@require_GET
@statewide_required
def statewide(request: HttpRequest) -> HttpResponse:
    """Statewide metrics (docs/product.md 7.2) for state agencies, United Way and administrators."""
    as_of = refresh_if_stale()
    form = period_form(request)
    period = form.chosen()
    context = statewide_page(period, today())
    context.update(form=form, period=period, as_of=as_of, query=request.GET.urlencode())
    return render(request, "metrics/statewide.html", context)


@require_GET
def public_page(request: HttpRequest) -> HttpResponse:
    key = request.GET.get("period", "30d")
    if key not in public.PUBLIC_PERIODS:
        key = "30d"
    snapshot, table_list = public.latest(key, get_language() or "en")
    context = {
        "snapshot": snapshot,
        "tables": {table.key: table for table in table_list},
        "period_key": key,
        "periods": [(k, PRESETS[k]) for k in public.PUBLIC_PERIODS],
        "small_cell": public.SMALL_CELL,
    }
    return render(request, "metrics/public.html", context)


def _csv(table: Table | None, filename: str) -> HttpResponse:
    if table is None:
        raise Http404
    buffer = io.StringIO()
    csv_safe.writer(buffer).writerows(table.csv_rows())
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{filename}.csv"'
    return response


def _bad_period(form) -> HttpResponse | None:
    if form.is_bound and not form.is_valid():
        return HttpResponseBadRequest(" ".join(str(e) for e in form.non_field_errors()) or _("Invalid dates."))
    return None


@never_cache
@require_GET
@partner_member_required
def organization_csv(request: StaffRequest, table: str) -> HttpResponse:
    form = period_form(request)
    if (bad := _bad_period(form)) is not None:
        return bad
    period = form.chosen()
    tables = organization_page(request.organization.pk, period, today())["tables"]
    return _csv(tables.get(table), f"{table}-{period.first}-{period.last}")


@never_cache
@require_GET
@statewide_required
def statewide_csv(request: HttpRequest, table: str) -> HttpResponse:
    form = period_form(request)
    if (bad := _bad_period(form)) is not None:
        return bad
    period = form.chosen()
    tables = statewide_page(period, today())["tables"]
    return _csv(tables.get(table), f"statewide-{table}-{period.first}-{period.last}")


@require_GET
def public_csv(request: HttpRequest, table: str) -> HttpResponse:
    key = request.GET.get("period", "30d")
    if key not in public.PUBLIC_PERIODS:
        return HttpResponseBadRequest(_("Unknown period."))
    _snapshot, table_list = public.latest(key, get_language() or "en")
    found = next((t for t in table_list if t.key == table), None)
    period = preset(key)
    return _csv(found, f"public-{table}-{period.first}-{period.last}")


@require_GET
def definitions(request: HttpRequest) -> HttpResponse:
    return render(request, "metrics/definitions.html")
