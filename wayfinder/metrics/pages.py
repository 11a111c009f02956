"""What each page shows: its figures as tables (charts and CSV come from them)."""

from __future__ import annotations

from datetime import date

from django.utils.translation import gettext as _

from . import figures, tables
from .models import STATE_SCOPE
from .periods import Period, preset
from .queries import tally


def newest_received(user, organization, limit: int = 5) -> list:
    """The newest referrals in the organization's inbox (the landing page's list)."""
    from wayfinder.referrals import selectors

    return selectors.inbox(user, organization, selectors.ListFilters(), 1).items[:limit]


def organization_page(organization_id, period: Period, today: date) -> dict:
    """The partner dashboard of one organization for ``period``."""
    scope = str(organization_id)
    summary = figures.referral_summary(scope, period)
    previous_period = period.previous()
    previous = figures.referral_summary(scope, previous_period) if previous_period else None
    bands = figures.open_by_age(scope, today)
    table_list = [
        tables.comparison_table(summary, previous, organization=True),
        tables.outcomes_table(summary),
        tables.open_by_age_table(bands),
        tables.reasons_table(summary),
        tables.closers_table(summary),
        tables.time_to_close_table(summary),
        tables.sent_outcomes_table(summary),
        tables.positive_table(summary),
    ]
    return {
        "summary": summary,
        "previous": previous,
        "previous_period": previous_period,
        "open_total": sum(n for _, n in bands),
        "tables": {table.key: table for table in table_list},
    }


def statewide_page(period: Period, today: date) -> dict:
    """The statewide page: docs/product.md 7.2 and the breakdowns."""
    from wayfinder.directory.models import Organization

    counts = tally(STATE_SCOPE, period.first, period.last, figures.SUMMARY_MEASURES)
    summary = figures.referral_summary(STATE_SCOPE, period, counts)
    previous_period = period.previous()
    previous = figures.referral_summary(STATE_SCOPE, previous_period) if previous_period else None
    lines = figures.headline(STATE_SCOPE, [preset(key, on=today) for key in ("30d", "year", "all")])
    creators, closers = figures.top_organizations(period)
    names = dict(Organization.objects.filter(id__in=[s for s, _ in creators + closers]).values_list("id", "name"))
    names = {str(pk): name for pk, name in names.items()}
    months, series = figures.category_by_month(today.replace(day=1))
    by_year = figures.positive_domains_by_year(STATE_SCOPE, today.year - 2, today.year)
    table_list = [
        tables.headline_table(lines),
        tables.comparison_table(summary, previous, organization=False),
        tables.provided_table(summary),
        tables.reasons_table(summary),
        tables.outcomes_table(summary),
        tables.closers_table(summary),
        tables.open_by_age_table(figures.open_by_age(STATE_SCOPE, today)),
        tables.top_table(
            "top_creators", _("Top organizations creating referrals"), creators, names, _("Referrals sent")
        ),
        tables.top_table(
            "top_closers", _("Top organizations closing referrals"), closers, names, _("Referrals closed")
        ),
        tables.category_month_table(months, series),
        tables.positive_by_year_table(by_year),
        tables.breakdown_table("by_county", _("County"), "county", figures.breakdown("county", period, counts)),
        tables.breakdown_table(
            "by_organization_type",
            _("Organization type"),
            "receiving_kind",
            figures.breakdown("receiving_kind", period, counts),
        ),
        tables.breakdown_table("by_language", _("Language"), "language", figures.breakdown("language", period, counts)),
        tables.breakdown_table(
            "by_category", _("SDoH domain"), "category", figures.breakdown("category", period, counts)
        ),
        tables.time_to_close_table(summary),
    ]
    return {
        "summary": summary,
        "previous": previous,
        "previous_period": previous_period,
        "tables": {table.key: table for table in table_list},
    }
