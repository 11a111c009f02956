import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wayfinder.integrations.eligibility.importer import import_file, write_error_csv


class Command(BaseCommand):
    help = (
        "Upsert residents from an eligibility feed (JSON lines). Bad records are reported by line, "
        "individual id, field and reason (on screen and as CSV); good records land. Exit status 1 on any error."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--errors", type=Path, help="CSV error report (default: PATH.errors.csv)")
        parser.add_argument(
            "--full-snapshot",
            action="store_true",
            help="The file lists every current individual: close eligibility residents missing from it.",
        )

    def handle(self, *args, path: Path, errors: Path | None, full_snapshot: bool, **options):
        if not path.exists():
            raise CommandError(f"{path}: no such file")
        result = import_file(path, full_snapshot=full_snapshot, progress=sys.stderr.isatty())
        counts = result.counts
        summary = ", ".join(
            f"{name} {counts.get(name, 0)}" for name in ("created", "updated", "unchanged", "closed", "failed")
        )
        self.stdout.write(summary)
        if result.errors:
            report = errors or path.with_name(path.name + ".errors.csv")
            write_error_csv(result.errors, report)
            for error in result.errors[:50]:
                self.stdout.write(
                    f"line {error.line} id={error.individual_id or '-'} field={error.field or '-'}: {error.reason}"
                )
            if len(result.errors) > 50:
                self.stdout.write(f"... {len(result.errors) - 50} more in {report}")
            raise CommandError(f"{len(result.errors)} problem(s) in {counts['failed']} record(s); report: {report}")
        self.stdout.write(self.style.SUCCESS("Import complete."))
