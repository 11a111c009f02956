"""manage.py import_hsds PATH: load a 2-1-1 HSDS feed (JSON, NDJSON, CSV datapackage folder or zip)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wayfinder.directory import search_hooks
from wayfinder.integrations.two11.importer import ImportResult, import_feed

KINDS = ("created", "updated", "unchanged", "removed", "rejected")


class Command(BaseCommand):
    help = (
        "Import an Open Referral HSDS feed (3.0 or 3.1; 1.x and 2.0 datapackages are read as 3.0); "
        "bad records are reported and change nothing, good ones land."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--full", action="store_true", help="the feed is complete: 2-1-1 services missing from it become inactive"
        )
        parser.add_argument("--report", type=Path, default=None, help="CSV problem report (default under var/)")
        parser.add_argument(
            "--feed",
            default="",
            help="a stable name for this feed: ids that are not UUIDs are mapped to UUIDs per feed name "
            "(default: the file or folder name without its extension)",
        )
        parser.add_argument("--no-index", action="store_true", help="do not update the search index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        progress = not options["no_progress"] and options["verbosity"] > 0
        result = import_feed(
            options["path"],
            options["report"],
            full=options["full"],
            progress=progress,
            feed_name=options["feed"],
            on_issue=lambda line: self.stderr.write(line),
        )
        self.summary(result)
        if result.changed_service_ids and not options["no_index"]:
            search_hooks.after_import(result.changed_service_ids)
        if result.fatal:
            raise CommandError(f"nothing imported: {result.fatal}")
        if result.errors:
            raise CommandError(f"{result.errors} record(s) failed; see {result.report_path}")

    def summary(self, result: ImportResult) -> None:
        if result.version:
            self.stdout.write(f"read as HSDS 3.0 from an HSDS {result.version} datapackage")
        for table, c in result.counts.items():
            if any(c.values()):
                line = f"{table:24} " + "  ".join(f"{k} {c[k]:>8}" for k in KINDS)
                if c["kept"]:  # rejected, but the directory holds them: they stay as they were
                    line += f"  kept {c['kept']:>8}"
                if c["unlinked"]:  # kept for a record this feed says nothing about
                    line += f"  unlinked {c['unlinked']:>8}"
                self.stdout.write(line)
        if result.deactivated:
            self.stdout.write(f"services marked inactive (missing from the full feed): {result.deactivated}")
        if not result.changed and not result.fatal:
            if result.rejected or result.errors:
                self.stdout.write(f"Nothing was changed; {result.rejected or result.errors} record(s) were rejected.")
            else:
                self.stdout.write("No changes: the directory already matches this feed.")
        self.stdout.write(
            f"errors {result.errors}, warnings {result.warnings}, conflicts {result.conflicts}; "
            f"report: {result.report_path}"
        )
