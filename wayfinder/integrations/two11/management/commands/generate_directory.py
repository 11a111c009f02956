"""manage.py generate_directory --services N --seed S OUT: a synthetic Kentucky HSDS CSV datapackage."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandParser
from tqdm import tqdm

from wayfinder.integrations.two11.generator import generate


class Command(BaseCommand):
    help = "Write a realistic synthetic Kentucky directory as an HSDS 3.0 CSV datapackage (deterministic per seed)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("out", type=Path)
        parser.add_argument("--services", type=int, default=12000)
        parser.add_argument("--seed", type=int, default=2026)

    def handle(self, *args, **options) -> None:
        with tqdm(total=options["services"], unit=" services", disable=options["verbosity"] < 1, leave=False) as bar:
            counts = generate(
                options["out"], options["services"], options["seed"], progress=lambda n: bar.update(n - bar.n)
            )
        self.stdout.write(", ".join(f"{k} {v}" for k, v in counts.items() if v))
