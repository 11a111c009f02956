"""The tables (and so the charts and CSV files) of each page, from the figures."""

from __future__ import annotations

from datetime import date

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from . import labels
from .charts import Table
from .definitions import AGE_BANDS, WITHDRAWN
from .figures import CLOSER_ORDER, BreakdownRow, Summary


def outcomes_table(summary: Summary, *, key: str = "outcomes") -> Table:
    """ "Closed referrals by outcome": provided first, then the reasons."""
    rows = [[labels.outcome("provided"), summary.provided]]
    rows += [[labels.outcome(code), n] for code, n in summary.reasons()]
    if summary.withdrawn:
        rows.append([labels.outcome(WITHDRAWN), summary.withdrawn])
    return Table(key, _("Closed referrals by outcome"), [_("Outcome"), _("Referrals closed")], rows, "hbar")


def reasons_table(summary: Summary, limit: int = 3) -> Table:
    rows = [[labels.outcome(code), n] for code, n in summary.reasons()[:limit]]
    return Table("reasons", _("Top reasons the resource was not provided"), [_("Reason"), _("Referrals closed")], rows)


def provided_table(summary: Summary) -> Table:
    rows = [[_("Resource provided"), summary.provided], [_("Resource not provided"), summary.not_provided]]
    if summary.withdrawn:
        rows.append([labels.outcome(WITHDRAWN), summary.withdrawn])
    return Table("provided", _("Resource provided or not"), [_("Outcome"), _("Referrals closed")], rows, "hbar")


def closers_table(summary: Summary) -> Table:
    rows = [[labels.closer(code), summary.closers.get(code, 0)] for code in CLOSER_ORDER]
    return Table(
        "closers", _("Referrals closed, by who closed them"), [_("Closed by"), _("Referrals closed")], rows, "hbar"
    )


def open_by_age_table(bands: list[tuple[str, int]]) -> Table:
    rows = [[labels.age_band(key), n] for key, n in bands]
    return Table("open_by_age", _("Open referrals by age"), [_("Age"), _("Open referrals")], rows, "bar")


def _days(value: int | None) -> str:
    if value is None:
        return "—"
    return _("%(days)s days") % {"days": value} if value != 1 else _("1 day")


def _percent(value: float | None) -> str:
    return "—" if value is None else f"{value:.1f}%"


def comparison_table(current: Summary, previous: Summary | None, *, organization: bool) -> Table:
    """This period beside the previous one."""
    first = _("Referrals received") if organization else _("Referrals created")
    lines = [
        (first, current.created, previous.created if previous else None),
    ]
    if organization:
        lines.append((_("Referrals sent"), current.sent, previous.sent if previous else None))
    lines += [
        (_("Referrals closed"), current.closed, previous.closed if previous else None),
        (_("Closure rate"), _percent(current.closure_rate), _percent(previous.closure_rate) if previous else None),
        (_("Provided rate"), _percent(current.provided_rate), _percent(previous.provided_rate) if previous else None),
        (_("Median time to close"), _days(current.close_median), _days(previous.close_median) if previous else None),
        (
            _("90th percentile time to close"),
            _days(current.close_p90),
            _days(previous.close_p90) if previous else None,
        ),
        (
            _("Median time to first action"),
            _days(current.first_action_median),
            _days(previous.first_action_median) if previous else None,
        ),
        (_("Unique residents referred"), current.unique_residents, previous.unique_residents if previous else None),
        (_("Assessments completed"), current.assessments, previous.assessments if previous else None),
    ]
    columns = [_("Figure"), _("This period")] + ([_("Previous period")] if previous else [])
    rows = [[name, now, *([before] if previous else [])] for name, now, before in lines]
    return Table("summary", _("Summary"), columns, rows)


def sent_outcomes_table(summary: Summary) -> Table:
    rows = [[labels.outcome("provided"), summary.sent_outcomes.get("provided", 0)]]
    rows += sorted(
        ([labels.outcome(code), n] for code, n in summary.sent_outcomes.items() if code != "provided"),
        key=lambda row: -row[1],
    )
    return Table("sent_outcomes", _("Outcomes of the referrals you sent"), [_("Outcome"), _("Referrals closed")], rows)


def positive_table(summary: Summary) -> Table:
    rows = sorted(([labels.category(c), n] for c, n in summary.positive.items()), key=lambda row: (-row[1], row[0]))
    return Table(
        "positive_domains",
        _("Needs found by assessments, by SDoH domain"),
        [_("Domain"), _("Assessments with this need")],
        rows,
        "hbar",
    )


def time_to_close_table(summary: Summary) -> Table:
    rows = [
        [_("Time to close (median)"), summary.close_median],
        [_("Time to close (90th percentile)"), summary.close_p90],
        [_("Time to first action (median)"), summary.first_action_median],
        [_("Time to first action (90th percentile)"), summary.first_action_p90],
    ]
    return Table("time_to_close", _("Time to first action and to close, in days"), [_("Figure"), _("Days")], rows)


def headline_table(lines) -> Table:
    rows = [[period.label, created, closed] for period, created, closed in lines]
    return Table("headline", _("Referrals created and closed"), [_("Period"), _("Created"), _("Closed")], rows)


def top_table(key: str, caption: str, ranked: list[tuple[str, int]], names: dict, column: str) -> Table:
    rows = [[names.get(scope, _("Organization no longer listed")), n] for scope, n in ranked]
    return Table(key, caption, [_("Organization"), column], rows, "hbar")


def breakdown_table(key: str, caption: str, dimension: str, rows: list[BreakdownRow]) -> Table:
    namer = labels.BY_DIMENSION[dimension]
    body = [[namer(row.value), row.created, row.closed, row.provided, _percent(row.provided_rate)] for row in rows]
    columns = [caption, _("Created"), _("Closed"), _("Provided"), _("Provided rate")]
    return Table(key, _("By %(what)s") % {"what": caption.lower()}, columns, body)


def category_month_table(months: list[date], series: dict, limit: int = 7) -> Table:
    """Months down, categories across (the largest ``limit``, the rest together)."""
    totals: dict = {}
    for values in series.values():
        for category, n in values.items():
            totals[category] = totals.get(category, 0) + n
    ranked = sorted(totals, key=lambda c: (-totals[c], c))
    shown, rest = ranked[:limit], ranked[limit:]
    columns = [_("Month"), *[labels.category(c) for c in shown]] + ([_("Other domains")] if rest else [])
    rows = []
    for month in months:
        values = series.get(month, {})
        row = [date_format(month, "M Y"), *[values.get(c, 0) for c in shown]]
        if rest:
            row.append(sum(values.get(c, 0) for c in rest))
        rows.append(row)
    return Table("category_by_month", _("Referrals by SDoH domain, per month of creation"), columns, rows, "stacked")


def positive_by_year_table(by_year: dict) -> Table:
    categories = sorted({c for values in by_year.values() for c in values})
    columns = [_("Domain"), *[str(year) for year in sorted(by_year)]]
    rows = [[labels.category(c), *[by_year[year].get(c, 0) for year in sorted(by_year)]] for c in categories]
    rows.sort(key=lambda row: -sum(v for v in row[1:]))
    return Table("positive_by_year", _("Assessment results: needs found per year, by SDoH domain"), columns, rows)


AGE_KEYS = [key for key, _low, _high in AGE_BANDS]
