"""manage.py refresh_metrics [--rebuild] [--public]"""

from __future__ import annotations

from django.core.management.base import BaseCommand

from wayfinder.metrics import public, refresh


class Command(BaseCommand):
    help = "Bring the dashboards' tallies up to date (what the scheduler runs every minute)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--rebuild", action="store_true", help="Derive every tally again from the records.")
        parser.add_argument("--public", action="store_true", help="Also compute the public page's figures.")

    def handle(self, *args, **options) -> None:
        result = refresh.rebuild() if options["rebuild"] else refresh.refresh()
        self.stdout.write(str(result))
        if options["public"]:
            self.stdout.write(public.run_public_snapshot())
