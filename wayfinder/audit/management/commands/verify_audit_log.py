from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.audit import checkpoints
from wayfinder.audit.roles import role_problems
from wayfinder.audit.verify import verify_chain


class Command(BaseCommand):
    help = (
        "Check the audit log: every row's keyed hash and link, and every signed checkpoint in "
        "AUDIT_CHECKPOINT_FILE (so deleted newest rows and truncation show). Reports the first problem; "
        "exit status 1 if there is one. --checkpoint then signs and appends the verified head."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument(
            "--checkpoint",
            action="store_true",
            help="After verifying, append a signed checkpoint (row count, head seq and hash) to AUDIT_CHECKPOINT_FILE.",
        )
        parser.add_argument(
            "--checkpoints",
            dest="checkpoints_file",
            type=Path,
            help="Read checkpoints from this copy (e.g. restored from the log store) instead of AUDIT_CHECKPOINT_FILE.",
        )

    def handle(self, *args, checkpoint: bool, checkpoints_file: Path | None, **options) -> None:
        sink = checkpoints_file or Path(settings.AUDIT_CHECKPOINT_FILE)
        found, problems = checkpoints.read_all(sink)
        report = verify_chain(checkpoints=found, sink_problems=problems, require_checkpoint=not checkpoint)
        for warning in [*report.warnings, *role_problems()]:
            self.stderr.write(self.style.WARNING(f"Warning: {warning}"))
        if not report.ok:
            raise CommandError(report.message())
        self.stdout.write(
            self.style.SUCCESS(
                f"Audit log intact: {report.checked} rows verified, {report.checkpoints} checkpoints matched ({sink})."
            )
        )
        if checkpoint:
            written = checkpoints.sign(report.rows, report.head_seq, report.head_hash)
            checkpoints.append(written, Path(settings.AUDIT_CHECKPOINT_FILE))
            self.stdout.write(
                f"Checkpoint written: {written.rows} rows, head row {written.head_seq}, key {written.key_id}."
            )
