"""manage.py incentive_report --month 2026-11 [--verify | --correct "reason"] [--csv FILE] [--pdf FILE]"""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError

from wayfinder.metrics.incentives import render, store


class Command(BaseCommand):
    help = "Make (once), check or correct the incentive report of a month; write its CSV or PDF."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--month", required=True, help="The month, as YYYY-MM (it must be over).")
        group = parser.add_mutually_exclusive_group()
        group.add_argument("--verify", action="store_true", help="Recompute the stored report and compare.")
        group.add_argument("--correct", metavar="REASON", help="Store a corrected version, giving the reason.")
        parser.add_argument("--csv", type=Path, help="Write the payments CSV here.")
        parser.add_argument("--pdf", type=Path, help="Write the statements PDF here.")

    def handle(self, *args, **options) -> None:
        try:
            month = store.parse_month(options["month"])
            if options["verify"]:
                report = store.latest_version(month)
                if report is None:
                    raise CommandError(f"No report for {month:%Y-%m} yet.")
                result = store.verify(report)
                if not result.matches:
                    for line in result.differences:
                        self.stderr.write(line)
                    raise CommandError(
                        f"{month:%Y-%m} v{report.version}: the records now give {result.recomputed_sha256}, "
                        f"the report holds {report.sha256}. Store a correction with --correct if this is right."
                    )
                self.stdout.write(f"{month:%Y-%m} v{report.version} matches its records ({report.sha256}).")
            else:
                report = store.generate(month, correction_reason=options["correct"] or "")
                self.stdout.write(
                    f"{month:%Y-%m} v{report.version}: {len(report.rows)} organizations, "
                    f"${render.dollars(report.total_cents)}, {report.sha256}"
                )
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        for option, maker in (("csv", render.csv_bytes), ("pdf", render.pdf_bytes)):
            if options[option]:
                try:
                    options[option].write_bytes(maker(report))
                except OSError as error:
                    raise CommandError(f"Cannot write {options[option]}: {error.strerror}") from None
                self.stdout.write(f"wrote {options[option]}")
