from pathlib import Path

from django.core.management.base import BaseCommand

from wayfinder.integrations.eligibility.generator import write_feed


class Command(BaseCommand):
    help = "Write a synthetic Kentucky eligibility feed (JSON lines, docs/formats/eligibility-feed.md)."

    def add_arguments(self, parser):
        parser.add_argument("out", type=Path)
        parser.add_argument("--residents", type=int, default=3000)
        parser.add_argument("--seed", type=int, default=1)

    def handle(self, *args, out: Path, residents: int, seed: int, **options):
        count = write_feed(out, residents, seed)
        self.stdout.write(self.style.SUCCESS(f"Wrote {count} records to {out}"))
