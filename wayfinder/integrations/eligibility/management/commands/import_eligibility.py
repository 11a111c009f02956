import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wayfinder.integrations.eligibility.importer import ImportResult, import_file, write_error_csv
from wayfinder.integrations.eligibility.validate import printable

SHOWN = 50


class Command(BaseCommand):
    help = (
        "Upsert residents from an eligibility feed (JSON lines). Bad records are reported by line, "
        "individual id, field and reason (on screen and as CSV); good records land. Exit status 1 on any error. "
        "A full snapshot must end with its trailer line; one that would close more than "
        "ELIGIBILITY_MAX_CLOSE_PERCENT of the residents is refused unless --allow-mass-close names the count."
    )

    def add_arguments(self, parser):
        parser.add_argument("path", type=Path)
        parser.add_argument("--errors", type=Path, help="CSV error report (default: PATH.errors.csv)")
        parser.add_argument(
            "--full-snapshot",
            action="store_true",
            help="The file lists every current individual: close eligibility residents missing from it.",
        )
        parser.add_argument(
            "--allow-mass-close",
            type=int,
            metavar="N",
            help="Accept closing more than ELIGIBILITY_MAX_CLOSE_PERCENT of the residents: exactly N of them.",
        )
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file, say what would change and close; write nothing."
        )

    def handle(self, *args, path: Path, errors: Path | None, **options):
        if not path.is_file():
            raise CommandError(f"{path}: no such file")
        result = import_file(
            path,
            full_snapshot=options["full_snapshot"],
            dry_run=options["dry_run"],
            allow_mass_close=options["allow_mass_close"],
            progress=sys.stderr.isatty(),
        )
        counts = result.counts
        prefix = "Dry run, nothing written. Would be: " if result.dry_run else ""
        self.stdout.write(
            prefix
            + ", ".join(
                f"{name} {counts.get(name, 0)}" for name in ("created", "updated", "unchanged", "closed", "failed")
            )
        )
        if result.dry_run:
            self._closures(result)
        report = errors or path.with_name(path.name + ".errors.csv")
        if result.error_count:
            write_error_csv(result, report)
            for error in result.errors[:SHOWN]:
                self.stdout.write(
                    f"line {error.line} id={error.individual_id or '-'} field={error.field or '-'}: {error.reason}"
                )
            if result.error_count > SHOWN:
                self.stdout.write(f"... {result.error_count - SHOWN} more in {report}")
        if result.refused:
            raise CommandError(f"{path.name} refused, nothing was written: {result.refused}")
        if result.error_count:
            raise CommandError(f"{result.error_count} problem(s) in {counts['failed']} record(s); report: {report}")
        self.stdout.write(self.style.SUCCESS("Dry run complete." if result.dry_run else "Import complete."))

    def _closures(self, result: ImportResult) -> None:
        plan = result.plan
        if plan is None:
            return
        self.stdout.write(
            f"Would close {len(plan.closures)} of {plan.population} active residents ({plan.share:.1f}%) "
            f"and {plan.open_cases} open cases."
        )
        for closure in plan.closures[:SHOWN]:
            self.stdout.write(f"  close {printable(closure.individual_id)}: {closure.reason}")
        if len(plan.closures) > SHOWN:
            self.stdout.write(f"  ... and {len(plan.closures) - SHOWN} more")
