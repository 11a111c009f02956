"""manage.py import_hsds PATH: load a 2-1-1 HSDS feed (JSON, NDJSON, CSV datapackage folder or zip)."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError, CommandParser

from wayfinder.directory import search_hooks
from wayfinder.integrations.two11.importer import ImportResult, import_feed


class Command(BaseCommand):
    help = "Import an Open Referral HSDS 3.0 feed; bad records are reported, good ones land."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument(
            "--full", action="store_true", help="the feed is complete: 2-1-1 services missing from it become inactive"
        )
        parser.add_argument("--report", type=Path, default=None, help="CSV problem report (default under var/)")
        parser.add_argument("--no-index", action="store_true", help="do not update the search index")
        parser.add_argument("--no-progress", action="store_true")

    def handle(self, *args, **options) -> None:
        progress = not options["no_progress"] and options["verbosity"] > 0
        result = import_feed(
            options["path"],
            options["report"],
            full=options["full"],
            progress=progress,
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
        for table, c in result.counts.items():
            if sum(c.values()):
                line = (
                    f"{table:24} created {c['created']:>8}  updated {c['updated']:>8}  unchanged {c['unchanged']:>8}"
                    f"  removed {c['removed']:>8}"
                )
                if c["unlinked"]:  # kept for a record this feed says nothing about
                    line += f"  unlinked {c['unlinked']:>8}"
                self.stdout.write(line)
        if result.deactivated:
            self.stdout.write(f"services marked inactive (missing from the full feed): {result.deactivated}")
        if not result.changed and not result.fatal:
            self.stdout.write("No changes: the directory already matches this feed.")
        self.stdout.write(
            f"errors {result.errors}, warnings {result.warnings}, conflicts {result.conflicts}; "
            f"report: {result.report_path}"
        )
