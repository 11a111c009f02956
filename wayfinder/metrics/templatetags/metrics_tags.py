"""Template tags of the metrics pages: a figure (chart + table + CSV link), and the
dashboard sections the partner workspace's landing page shows."""

from __future__ import annotations

from django import template
from django.urls import reverse

from ..charts import Table, svg

register = template.Library()


@register.inclusion_tag("metrics/_figure.html")
def figure(table: Table | None, csv_url: str = "", query: str = "", level: int = 2) -> dict:
    """One figure: its heading, its chart (if it has one), its table, its CSV link."""
    link = ""
    if table is not None and csv_url:
        link = reverse(csv_url, args=[table.key]) + (f"?{query}" if query else "")
    return {"table": table, "chart": svg(table) if table is not None else "", "csv": link, "level": level}


@register.filter
def cell(value):
    """A table cell: numbers with thousands separators, None as a suppressed cell."""
    from django.contrib.humanize.templatetags.humanize import intcomma

    if value is None:
        return None
    if isinstance(value, int):
        return intcomma(value)
    return value


@register.inclusion_tag("metrics/_organization_summary.html", takes_context=True)
def organization_metrics(context) -> dict:
    """The dashboard sections for the workspace landing page: the newest inbox
    items, open referrals by age, the rates and the outcome chart of the last 30
    days. ``request.organization`` is the signed-in person's organization."""
    from ..pages import newest_received, organization_page
    from ..periods import preset, today

    request = context["request"]
    organization = getattr(request, "organization", None)
    if organization is None:
        return {"page": None}
    period = preset("30d")
    page = organization_page(organization.pk, period, today())
    return {"page": page, "period": period, "newest": newest_received(request.user, organization), "request": request}


@register.filter
def dollars(cents) -> str:
    from ..incentives.render import dollars as as_dollars

    return as_dollars(int(cents or 0))
