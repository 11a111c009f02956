"""Date spans the pages offer: presets and a custom range, in local days."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .definitions import local_day
from .queries import EPOCH

PRESETS = {
    "30d": gettext_lazy("Last 30 days"),
    "90d": gettext_lazy("Last 90 days"),
    "year": gettext_lazy("This year"),
    "all": gettext_lazy("All time"),
}
DEFAULT_PRESET = "30d"
LONGEST_CUSTOM_SPAN = timedelta(days=3660)


@dataclass(frozen=True)
class Period:
    first: date
    last: date
    key: str = "custom"  # a preset key, or "custom"

    @property
    def days(self) -> int:
        return (self.last - self.first).days + 1

    @property
    def is_all_time(self) -> bool:
        return self.first <= EPOCH

    @property
    def label(self) -> str:
        if self.key in PRESETS:
            return str(PRESETS[self.key])
        return _("%(first)s to %(last)s") % {"first": self.first.isoformat(), "last": self.last.isoformat()}

    def previous(self) -> Period | None:
        """The span of the same length just before (None for all time)."""
        if self.is_all_time:
            return None
        if self.key == "year":
            start = date(self.first.year - 1, 1, 1)
            try:
                end = self.last.replace(year=self.last.year - 1)
            except ValueError:  # 29 February
                end = self.last.replace(year=self.last.year - 1, day=28)
            return Period(start, end, "previous")
        end = self.first - timedelta(days=1)
        return Period(end - timedelta(days=self.days - 1), end, "previous")


def today() -> date:
    return local_day(timezone.now())


def preset(key: str, *, on: date | None = None) -> Period:
    day = on or today()
    if key == "90d":
        return Period(day - timedelta(days=89), day, key)
    if key == "year":
        return Period(date(day.year, 1, 1), day, key)
    if key == "all":
        return Period(EPOCH, day, key)
    return Period(day - timedelta(days=29), day, "30d")
