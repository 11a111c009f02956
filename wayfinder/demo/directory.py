"""The Kentucky demo directory: generate once (cached under DATA_DIR), import idempotently."""

from __future__ import annotations

import csv
import logging
import shutil
from pathlib import Path

from django.conf import settings

from wayfinder.directory.models import Service
from wayfinder.integrations.two11.generator import generate
from wayfinder.integrations.two11.importer import import_feed

log = logging.getLogger(__name__)


def demo_feed_path(services: int, seed: int) -> Path:
    return Path(settings.DATA_DIR) / "demo" / f"ky-hsds-{services}-{seed}"


def ensure_demo_feed(services: int = 12000, seed: int = 2026) -> Path:
    """The generated datapackage folder, generating it first if it is not cached yet."""
    path = demo_feed_path(services, seed)
    if not (path / "datapackage.json").exists():
        tmp = path.with_name(path.name + ".partial")
        shutil.rmtree(tmp, ignore_errors=True)
        generate(tmp, services, seed)
        shutil.rmtree(path, ignore_errors=True)
        tmp.rename(path)  # datapackage.json is written last, so a complete folder is the marker
    return path


def _already_loaded(feed: Path, services: int) -> bool:
    """Cheap check: the feed's first and last services exist and the count is there (skips a 10 s no-op)."""
    with (feed / "services.csv").open(encoding="utf-8", newline="") as fh:
        reader = csv.reader(fh)
        next(reader)
        first = last = next(reader)[0]
        for row in reader:
            last = row[0]
    return (
        Service.objects.filter(id__in=[first, last]).count() == len({first, last})
        and Service.objects.count() >= services
    )


def ensure_demo_directory(services: int = 12000, seed: int = 2026, *, index: bool = True) -> None:
    """Make sure the demo directory is loaded; a second call changes nothing and returns in well under a second."""
    feed = ensure_demo_feed(services, seed)
    if _already_loaded(feed, services):
        log.info("demo directory already loaded (%s services)", services)
        return
    report = Path(settings.DATA_DIR) / "import-reports" / "demo-import.csv"
    result = import_feed(feed, report)
    if result.errors:
        raise RuntimeError(f"demo directory import had {result.errors} errors; see {report}")
    if index and result.changed_service_ids:
        from wayfinder.directory import search_hooks

        search_hooks.after_import(result.changed_service_ids)
