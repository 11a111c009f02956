from datetime import datetime

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from wayfinder.referrals.followups import run_followups


class Command(BaseCommand):
    help = "Fill the referral specialists' queue (idempotent; the scheduler runs it daily)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--now", help="Pretend it is this moment (ISO 8601), for replaying a day.")

    def handle(self, *args, now: str | None = None, **options) -> None:
        moment = timezone.now()
        if now:
            try:
                moment = datetime.fromisoformat(now)
            except ValueError:
                raise CommandError(f"--now {now!r} is not an ISO 8601 date-time") from None
            if timezone.is_naive(moment):
                moment = timezone.make_aware(moment)
        created = run_followups(moment)
        self.stdout.write(
            "Follow-ups added: "
            + ", ".join(f"{kind} {count}" for kind, count in created.items())
            + ("" if any(created.values()) else " (nothing new)")
        )
