"""The recurring jobs and when each is due.

Every job is idempotent (running it twice in a period changes nothing the second
time), so the scheduler needs no lock: a missed or repeated run is harmless, and
after a restart it simply runs whatever is due.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings

from wayfinder.audit.checkpoints import scheduled_checkpoint
from wayfinder.directory.hsds.dumps import build_dumps
from wayfinder.notifications.services import deliver_due
from wayfinder.partners.reminders import send_verification_reminders
from wayfinder.referrals.followups import run_followups


@dataclass(frozen=True)
class Job:
    name: str
    # A function taking no required arguments, imported (scheduling sits above the
    # apps whose jobs it runs), so a renamed job fails at import, not at 6 a.m.
    target: Callable[[], object]
    every: timedelta | None = None  # a fixed interval, or
    daily_at: time | None = None  # once a day at this local time
    monthly_on_day: int | None = None  # once a month on this day, at daily_at

    def function(self) -> Callable[[], object]:
        return self.target

    def next_run_after(self, last_run: datetime) -> datetime:
        """When the job is next due, given its last run (aware datetimes)."""
        if self.every is not None:
            return last_run + self.every
        local = last_run.astimezone(ZoneInfo(settings.TIME_ZONE))
        at = self.daily_at or time(6, 0)
        if self.monthly_on_day is not None:
            year, month = (local.year + 1, 1) if local.month == 12 else (local.year, local.month + 1)
            candidate = local.replace(day=self.monthly_on_day, hour=at.hour, minute=at.minute, second=0, microsecond=0)
            if candidate <= local:
                candidate = candidate.replace(year=year, month=month)
            return candidate
        candidate = local.replace(hour=at.hour, minute=at.minute, second=0, microsecond=0)
        if candidate <= local:
            candidate += timedelta(days=1)
        return candidate


JOBS: list[Job] = [
    Job("deliver_outbox", deliver_due, every=timedelta(minutes=1)),
    Job("referral_followups", run_followups, daily_at=time(6, 0)),
    # "Is this still correct?" to partner admins (partners/reminders.py, issue #21).
    Job("verification_reminders", send_verification_reminders, daily_at=time(9, 0), monthly_on_day=1),
    # Signed checkpoint of the audit chain outside the database (audit/checkpoints.py).
    Job("audit_checkpoint", scheduled_checkpoint, every=timedelta(minutes=settings.AUDIT_CHECKPOINT_MINUTES)),
    # The unpaged HSDS API downloads of the whole directory (directory/hsds/dumps.py).
    Job("hsds_dumps", build_dumps, daily_at=time(3, 0)),
]


def all_jobs() -> list[Job]:
    """The jobs above and those registered by other apps (extension_points.RECURRING_JOBS)."""
    from wayfinder.lib.recurring_jobs import RECURRING_JOBS

    return JOBS + [Job(**spec) for provider in RECURRING_JOBS for spec in provider()]


def due_jobs(last_runs: dict[str, datetime], now: datetime) -> list[Job]:
    """Jobs never run, or whose next run time has come."""
    return [job for job in all_jobs() if job.name not in last_runs or job.next_run_after(last_runs[job.name]) <= now]
