import time

from django.core.management.base import BaseCommand

from wayfinder.notifications.services import deliver_due


class Command(BaseCommand):
    help = "Send every queued email and text message that is due (retries included)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--loop", action="store_true", help="Keep running, sweeping every --interval seconds.")
        parser.add_argument("--interval", type=int, default=30)

    def handle(self, *args, **options) -> None:
        while True:
            counts = deliver_due()
            if counts or not options["loop"]:
                self.stdout.write(f"outbox: {counts or 'nothing due'}")
            if not options["loop"]:
                return
            time.sleep(options["interval"])
