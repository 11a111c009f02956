from django.core.management.base import BaseCommand, CommandError

from wayfinder.audit.verify import verify_chain


class Command(BaseCommand):
    help = "Check the audit log's hash chain; report the first altered or missing row."

    def handle(self, *args, **options) -> None:
        report = verify_chain()
        if not report.ok:
            raise CommandError(
                f"Audit log chain broken at row {report.broken_seq}: {report.reason} "
                f"({report.checked} rows verified before it)."
            )
        self.stdout.write(self.style.SUCCESS(f"Audit log intact: {report.checked} rows verified."))
