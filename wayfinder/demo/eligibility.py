"""Demo residents: ~3,000 synthetic Kentuckians from the generator, plus Amy Brand.

The feed file is generated once and cached under ``settings.DATA_DIR``; importing
it again finds every record unchanged, so ``load_demo`` can run repeatedly."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings

from wayfinder.integrations.eligibility.generator import write_feed
from wayfinder.integrations.eligibility.importer import import_file

from .residents import ensure_amy

DEMO_RESIDENTS = 3000
DEMO_SEED = 2026


def demo_feed_path() -> Path:
    return Path(settings.DATA_DIR) / "demo" / f"eligibility-{DEMO_SEED}-{DEMO_RESIDENTS}.jsonl"


def load_demo_residents(stdout=None) -> None:
    path = demo_feed_path()
    if not path.exists():
        write_feed(path, DEMO_RESIDENTS, DEMO_SEED)
    result = import_file(path)
    ensure_amy()
    if stdout is not None:
        counts = ", ".join(f"{name} {count}" for name, count in sorted(result.counts.items()))
        stdout.write(f"Demo residents: {counts}; Amy Brand linked with consent to the food bank.\n")
