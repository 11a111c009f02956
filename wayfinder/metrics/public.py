"""The public page: the statewide aggregates, with small cells suppressed.

Any cell behind which fewer than ``SMALL_CELL`` distinct residents stand is
replaced by "fewer than 11" (the usual small-cell rule for health data), and no
person is ever named. Counting distinct residents per cell takes a few grouped
queries over the referral facts, too slow for every page view, so the scheduler
computes the page's figures (``compute_snapshot``) and the page reads the latest
snapshot. Counts come from the same tallies and the same code as the statewide page.
"""

from __future__ import annotations

from datetime import date, timedelta

from django.conf import settings
from django.db.models import Count
from django.db.models.functions import TruncMonth
from django.utils import timezone, translation

from .charts import Table
from .definitions import day_bounds, local_day
from .models import AssessmentFact, Closer, PublicSnapshot, ReferralFact
from .pages import statewide_page
from .periods import preset, today

SMALL_CELL = 11
PUBLIC_PERIODS = ("30d", "year", "all")
# The statewide tables the public page shows (no time-to-close or closer tables:
# nothing to hide there, but the page stays short).
PUBLIC_TABLES = (
    "headline", "provided", "reasons", "top_creators", "top_closers", "category_by_month", "positive_by_year",
    "by_county", "by_organization_type", "by_language",
)  # fmt: skip


def _distinct(queryset, *group) -> dict:
    rows = queryset.values(*group).order_by().annotate(n=Count("resident_id", distinct=True))
    return {tuple(row[g] for g in group): row["n"] for row in rows}


def _created(first: date, last: date):
    return ReferralFact.objects.filter(created_day__gte=first, created_day__lte=last)


def _closed(first: date, last: date):
    return ReferralFact.objects.filter(closed_day__gte=first, closed_day__lte=last)


def residents_behind(period_key: str, on: date) -> dict:
    """Distinct residents behind every public cell of one period, keyed by table."""
    period = preset(period_key, on=on)
    first, last = period.first, period.last
    out: dict = {}
    headline = {}
    for key in PUBLIC_PERIODS:
        span = preset(key, on=on)
        headline[key] = (
            _created(span.first, span.last).values("resident_id").distinct().count(),
            _closed(span.first, span.last).values("resident_id").distinct().count(),
        )
    out["headline"] = headline
    provided = _distinct(_closed(first, last), "provided")
    out["provided"] = {True: provided.get((True,), 0), False: provided.get((False,), 0)}
    out["reasons"] = {k[0]: n for k, n in _distinct(_closed(first, last).filter(provided=False), "reason").items()}
    out["top_creators"] = {str(k[0]): n for k, n in _distinct(_created(first, last), "sending_org_id").items()}
    closers = _closed(first, last).filter(closer=Closer.RECEIVING_ORGANIZATION)
    out["top_closers"] = {str(k[0]): n for k, n in _distinct(closers, "receiving_org_id").items()}
    month_first = on.replace(day=1)
    for _ in range(11):
        month_first = (month_first - timedelta(days=1)).replace(day=1)
    months = _created(month_first, on).annotate(month=TruncMonth("created_day"))
    out["category_by_month"] = {(k[0], k[1]): n for k, n in _distinct(months, "month", "category").items()}
    for table, dimension in (
        ("by_county", "county"),
        ("by_organization_type", "receiving_kind"),
        ("by_language", "language"),
    ):
        out[table] = {
            "created": {k[0]: n for k, n in _distinct(_created(first, last), dimension).items()},
            "closed": {k[0]: n for k, n in _distinct(_closed(first, last), dimension).items()},
            "provided": {k[0]: n for k, n in _distinct(_closed(first, last).filter(provided=True), dimension).items()},
        }
    start, _end = day_bounds(date(on.year - 2, 1, 1), on)
    rows = AssessmentFact.objects.filter(completed_at__gte=start).exclude(positive_categories=[])
    seen: dict = {}
    for resident_id, completed_day, categories in rows.values_list(
        "resident_id", "completed_day", "positive_categories"
    ):
        for category in categories or []:
            seen.setdefault((completed_day.year, category), set()).add(resident_id)
    positive = {key: len(residents) for key, residents in seen.items()}
    out["positive_by_year"] = positive
    return out


def suppress(table: Table, allowed) -> Table:
    """A copy of ``table`` whose cells for which ``allowed(row index, column index)``
    is False are None (shown as "fewer than 11"). A zero stands for nobody and is shown."""
    rows = []
    for r, row in enumerate(table.rows):
        rows.append(
            [
                row[0],
                *[value if value in (0, "—") or allowed(r, c) else None for c, value in enumerate(row[1:], start=1)],
            ]
        )
    return Table(table.key, table.caption, table.columns, rows, table.chart, table.note)


def compute_snapshot(now=None) -> PublicSnapshot:
    """Compute and store the public figures for every period and language."""
    on = today() if now is None else local_day(now)
    figures: dict = {"periods": {}}
    for key in PUBLIC_PERIODS:
        behind = residents_behind(key, on)
        figures["periods"][key] = {}
        for language, _name in settings.LANGUAGES:
            with translation.override(language):
                page = statewide_page(preset(key, on=on), on)
                kept = [_suppressed(page["tables"][name], behind, key, on) for name in PUBLIC_TABLES]
                figures["periods"][key][language] = [_as_json(table) for table in kept]
    return PublicSnapshot.objects.create(computed_at=now or timezone.now(), figures=figures)


def _suppressed(table: Table, behind: dict, period_key: str, on: date) -> Table:
    """Apply the small-cell rule to one statewide table using its resident counts."""
    from .figures import category_by_month, top_organizations

    big = lambda n: n >= SMALL_CELL  # noqa: E731
    key = table.key
    if key == "headline":
        counts = [behind["headline"][k] for k in PUBLIC_PERIODS]
        return suppress(table, lambda r, c: big(counts[r][c - 1]))
    if key == "provided":
        counts = [behind["provided"][True], behind["provided"][False]]
        return suppress(table, lambda r, c: big(counts[r]))
    if key == "reasons":
        from .figures import referral_summary

        reasons = [code for code, _n in referral_summary("", preset(period_key, on=on)).reasons()[:3]]
        return suppress(table, lambda r, c: big(behind["reasons"].get(reasons[r], 0)))
    if key in ("top_creators", "top_closers"):
        creators, closers = top_organizations(preset(period_key, on=on))
        ranked = creators if key == "top_creators" else closers
        return suppress(table, lambda r, c: big(behind[key].get(ranked[r][0], 0)))
    if key == "category_by_month":
        months, series = category_by_month(on.replace(day=1))
        return _suppress_category_months(table, months, series, behind["category_by_month"])
    if key == "positive_by_year":
        return _suppress_by_label(table, behind["positive_by_year"])
    if key.startswith("by_"):
        return _suppress_breakdown(table, behind[key], key, period_key, on)
    return table


def _suppress_category_months(table: Table, months, series, counts) -> Table:
    from . import labels

    # Column order is the table's: the largest categories, then "other" (the sum of the rest).
    by_label = {labels.category(c): c for values in series.values() for c in values}

    def allowed(r: int, c: int) -> bool:
        month = months[r]
        name = table.columns[c]
        if name in by_label:
            return counts.get((month, by_label[name]), 0) >= SMALL_CELL
        shown = set(table.columns[1:])
        rest = [cat for lbl, cat in by_label.items() if lbl not in shown]
        return sum(counts.get((month, cat), 0) for cat in rest) >= SMALL_CELL and all(
            counts.get((month, cat), 0) >= SMALL_CELL or series.get(month, {}).get(cat, 0) == 0 for cat in rest
        )

    return suppress(table, allowed)


def _suppress_by_label(table: Table, counts: dict) -> Table:
    from . import labels

    years = [int(column) for column in table.columns[1:]]
    categories = {labels.category(c): c for (_year, c) in counts}
    return suppress(
        table, lambda r, c: counts.get((years[c - 1], categories.get(table.rows[r][0], "")), 0) >= SMALL_CELL
    )


def _suppress_breakdown(table: Table, counts: dict, key: str, period_key: str, on: date) -> Table:
    from .figures import breakdown

    dimension = {"by_county": "county", "by_organization_type": "receiving_kind", "by_language": "language"}[key]
    rows = breakdown(dimension, preset(period_key, on=on))
    columns = {1: "created", 2: "closed", 3: "provided", 4: "provided"}

    def allowed(r: int, c: int) -> bool:
        value = rows[r].value
        if c == 4:  # the provided rate reveals the provided and closed counts
            return counts["provided"].get(value, 0) >= SMALL_CELL and counts["closed"].get(value, 0) >= SMALL_CELL
        return counts[columns[c]].get(value, 0) >= SMALL_CELL

    return suppress(table, allowed)


def _as_json(table: Table) -> dict:
    return {
        "key": table.key,
        "caption": table.caption,
        "columns": table.columns,
        "rows": table.rows,
        "chart": table.chart,
        "note": table.note,
    }


def latest(period_key: str, language: str) -> tuple[PublicSnapshot | None, list[Table]]:
    snapshot = PublicSnapshot.objects.order_by("-computed_at").first()
    if snapshot is None:
        return None, []
    period = snapshot.figures.get("periods", {}).get(period_key, {})
    items = period.get(language) or period.get("en") or []
    return snapshot, [Table(**item) for item in items]


def prune(keep: int = 48) -> int:
    """Old snapshots are not needed (the page shows the latest)."""
    ids = list(PublicSnapshot.objects.order_by("-computed_at").values_list("id", flat=True)[keep:])
    return PublicSnapshot.objects.filter(id__in=ids).delete()[0] if ids else 0


def run_public_snapshot() -> str:
    """The scheduled job: bring the tallies up to date, then compute the public figures."""
    from .refresh import refresh

    refresh()
    snapshot = compute_snapshot()
    prune()
    return f"public figures computed at {snapshot.computed_at:%Y-%m-%d %H:%M}"
