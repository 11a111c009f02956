import logging
import time

from django.core.management.base import BaseCommand
from django.utils import timezone

from wayfinder.scheduling.jobs import due_jobs

logger = logging.getLogger("wayfinder.scheduler")


class Command(BaseCommand):
    help = "Run the recurring jobs (outbox sweep, daily referral follow-ups, ...) when they are due."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="Run whatever is due now, then exit.")
        parser.add_argument("--interval", type=int, default=30, help="Seconds between checks.")

    def handle(self, *args, **options) -> None:
        last_runs: dict = {}
        while True:
            now = timezone.now()
            for job in due_jobs(last_runs, now):
                try:
                    result = job.function()()
                    self.stdout.write(f"{now:%Y-%m-%d %H:%M} {job.name}: {result}")
                except Exception:
                    logger.exception("scheduled job failed", extra={"job": job.name})
                last_runs[job.name] = now
            if options["once"]:
                return
            time.sleep(options["interval"])
