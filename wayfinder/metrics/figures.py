"""The figures of the dashboards, computed from the tallies with the definitions.

``referral_summary`` is the same function for an organization and for the state
(only the scope differs), so the partner dashboard and the statewide page cannot
drift apart.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import date, timedelta

from .definitions import AGE_BANDS, WITHDRAWN, nearest_rank, rate
from .models import STATE_SCOPE, Closer
from .periods import Period
from .queries import EPOCH, monthly_series, tally, top_scopes, unique_residents

SUMMARY_MEASURES = (
    "created", "received", "sent", "closed", "cohort_closed", "sent_cohort_closed", "close_days",
    "first_action_days", "assessments", "assessment_positive", "sent_closed", "closed_as_receiver", "provided",
    "withdrawn",
)  # fmt: skip


@dataclass
class Summary:
    created: int = 0  # statewide: created; an organization: received
    sent: int = 0
    closed: int = 0
    cohort_closed: int = 0
    sent_cohort_closed: int = 0
    provided: int = 0
    outcomes: Counter = field(default_factory=Counter)
    closers: Counter = field(default_factory=Counter)
    sent_outcomes: Counter = field(default_factory=Counter)
    close_days: dict = field(default_factory=dict)
    first_action_days: dict = field(default_factory=dict)
    assessments: int = 0
    positive: Counter = field(default_factory=Counter)
    unique_residents: int = 0

    @property
    def withdrawn(self) -> int:
        """Closed because their sender withdrew them: no outcome to count."""
        return self.outcomes.get(WITHDRAWN, 0)

    @property
    def not_provided(self) -> int:
        return self.closed - self.provided - self.withdrawn

    @property
    def closure_rate(self) -> float | None:
        """Closed ÷ created, of the referrals created in the period."""
        return rate(self.cohort_closed, self.created)

    @property
    def sent_closure_rate(self) -> float | None:
        return rate(self.sent_cohort_closed, self.sent)

    @property
    def provided_rate(self) -> float | None:
        """Provided ÷ closed with an outcome (withdrawn ones have none), of the
        referrals closed in the period."""
        return rate(self.provided, self.closed - self.withdrawn)

    @property
    def close_median(self) -> int | None:
        return nearest_rank(self.close_days, 50)

    @property
    def close_p90(self) -> int | None:
        return nearest_rank(self.close_days, 90)

    @property
    def first_action_median(self) -> int | None:
        return nearest_rank(self.first_action_days, 50)

    @property
    def first_action_p90(self) -> int | None:
        return nearest_rank(self.first_action_days, 90)

    def reasons(self) -> list[tuple[str, int]]:
        """Not-provided reasons, most frequent first."""
        items = [(code, n) for code, n in self.outcomes.items() if code not in ("provided", WITHDRAWN) and n > 0]
        return sorted(items, key=lambda item: (-item[1], item[0]))


def referral_summary(scope: str, period: Period, counts: Counter | None = None) -> Summary:
    """``counts``: the span's tallies when the caller has read them already."""
    if counts is None:
        counts = tally(scope, period.first, period.last, SUMMARY_MEASURES)
    state = scope == STATE_SCOPE
    summary = Summary(
        created=counts[("created" if state else "received", "", "")],
        sent=counts[("sent", "", "")],
        closed=counts[("closed", "", "")],
        cohort_closed=counts[("cohort_closed", "", "")],
        sent_cohort_closed=counts[("sent_cohort_closed", "", "")],
        assessments=counts[("assessments", "", "")],
    )
    for (measure, dimension, value), n in counts.items():
        if not n:
            continue
        if measure == "closed" and dimension == "outcome":
            summary.outcomes[value] += n
        elif measure == "closed" and dimension == "closer":
            summary.closers[value] += n
        elif measure == "sent_closed" and dimension == "outcome":
            summary.sent_outcomes[value] += n
        elif measure == "close_days":
            summary.close_days[int(value)] = summary.close_days.get(int(value), 0) + n
        elif measure == "first_action_days":
            summary.first_action_days[int(value)] = summary.first_action_days.get(int(value), 0) + n
        elif measure == "assessment_positive":
            summary.positive[value] += n
    summary.provided = summary.outcomes.get("provided", 0)
    summary.unique_residents = unique_residents(scope, period.first, period.last)
    return summary


def open_by_age(scope: str, today: date) -> list[tuple[str, int]]:
    """Referrals still open now, by whole days since the day they were created:
    for each band, created minus closed among the referrals created on its days
    (a closed referral never reopens). Three small queries: the last 31 days day
    by day, and all time for the older band."""
    from .models import DailyTally

    measure = "created" if scope == STATE_SCOPE else "received"
    recent_first = today - timedelta(days=30)
    by_age: Counter = Counter()
    rows = DailyTally.objects.filter(
        scope=scope, measure__in=(measure, "cohort_closed"), dimension="", day__gte=recent_first, day__lte=today
    ).values_list("day", "measure", "count")
    for day, name, count in rows:
        by_age[(today - day).days] += count if name == measure else -count
    everything = tally(scope, EPOCH, today, (measure, "cohort_closed"))
    open_all = everything[(measure, "", "")] - everything[("cohort_closed", "", "")]
    out = []
    for key, low, high in AGE_BANDS:
        if high is None:
            out.append((key, open_all - sum(by_age.values())))
        else:
            out.append((key, sum(n for age, n in by_age.items() if low <= age <= high)))
    return out


def headline(scope: str, periods: list[Period]) -> list[tuple[Period, int, int]]:
    """(period, created, closed) for each period (the statewide slide's six numbers)."""
    out = []
    for period in periods:
        counts = tally(scope, period.first, period.last, ("created", "closed"))
        out.append((period, counts[("created", "", "")], counts[("closed", "", "")]))
    return out


@dataclass
class BreakdownRow:
    value: str
    created: int
    closed: int
    provided: int
    withdrawn: int = 0

    @property
    def provided_rate(self) -> float | None:
        return rate(self.provided, self.closed - self.withdrawn)


def breakdown(dimension: str, period: Period, counts: Counter | None = None) -> list[BreakdownRow]:
    """Created, closed and provided per value of ``dimension`` (statewide)."""
    if counts is None:
        counts = tally(STATE_SCOPE, period.first, period.last, ("created", "closed", "provided", WITHDRAWN))
    values = {value for (measure, dim, value) in counts if dim == dimension}
    rows = [
        BreakdownRow(
            value,
            counts[("created", dimension, value)],
            counts[("closed", dimension, value)],
            counts[("provided", dimension, value)],
            counts[(WITHDRAWN, dimension, value)],
        )
        for value in values
    ]
    rows = [row for row in rows if row.created or row.closed]
    return sorted(rows, key=lambda row: (-row.created, -row.closed, row.value))


def top_organizations(period: Period, limit: int = 5) -> tuple[list, list]:
    """(top creators, top closers): organizations by referrals sent, and by
    referrals they closed as the receiving organization (specialists' closures
    are not counted for the organization)."""
    return (
        top_scopes("sent", period.first, period.last, limit),
        top_scopes("closed_as_receiver", period.first, period.last, limit),
    )


def category_by_month(last_month: date, months: int = 12) -> tuple[list[date], dict]:
    """Referrals created per month and SDoH category, the last ``months`` months."""
    first = last_month
    for _ in range(months - 1):
        first = (first - timedelta(days=1)).replace(day=1)
    series = monthly_series(STATE_SCOPE, first, last_month, "created", "category")
    month_list = [first]
    while month_list[-1] < last_month:
        day = month_list[-1]
        month_list.append(date(day.year + (day.month == 12), day.month % 12 + 1, 1))
    return month_list, series


def positive_domains_by_year(scope: str, first_year: int, last_year: int) -> dict[int, Counter]:
    """Positive assessment domains per calendar year, by category."""
    series = monthly_series(scope, date(first_year, 1, 1), date(last_year, 12, 1), "assessment_positive", "category")
    out: dict[int, Counter] = {}
    for month, values in series.items():
        out.setdefault(month.year, Counter()).update(values)
    return out


CLOSER_ORDER = (Closer.RECEIVING_ORGANIZATION, Closer.SPECIALIST, Closer.SYSTEM, Closer.SENDER)
