from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

from wayfinder.scheduling.jobs import JOBS, Job, due_jobs

EASTERN = ZoneInfo("America/New_York")


def test_everything_is_due_at_first_start():
    now = datetime(2026, 11, 23, 12, 0, tzinfo=EASTERN)
    names = {job.name for job in due_jobs({}, now)}
    assert names == {job.name for job in JOBS} | {"metrics_refresh", "metrics_public", "incentive_report"}


def test_the_incentive_report_is_due_on_the_first_of_the_month():
    from wayfinder.scheduling.jobs import all_jobs

    job = next(j for j in all_jobs() if j.name == "incentive_report")
    after = job.next_run_after(datetime(2026, 11, 1, 7, 0, tzinfo=EASTERN))
    assert after == datetime(2026, 12, 1, 6, 30, tzinfo=EASTERN)


def test_a_daily_job_waits_for_the_next_morning():
    job = next(j for j in JOBS if j.name == "referral_followups")
    ran = datetime(2026, 11, 23, 6, 0, tzinfo=EASTERN)
    assert job.next_run_after(ran) == datetime(2026, 11, 24, 6, 0, tzinfo=EASTERN)
    assert job not in due_jobs({job.name: ran}, ran + timedelta(hours=23))
    assert job in due_jobs({job.name: ran}, ran + timedelta(hours=24))


def test_a_monthly_job_runs_on_its_day():
    job = Job("report", lambda: None, monthly_on_day=1)
    assert job.next_run_after(datetime(2026, 11, 23, 9, 0, tzinfo=EASTERN)) == datetime(
        2026, 12, 1, 6, 0, tzinfo=EASTERN
    )
    assert job.next_run_after(datetime(2026, 12, 1, 6, 0, tzinfo=EASTERN)) == datetime(2027, 1, 1, 6, 0, tzinfo=EASTERN)
