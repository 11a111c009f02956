from django.core.management.base import BaseCommand, CommandError
from django.db import connection

from wayfinder.audit.roles import grant_app_role


class Command(BaseCommand):
    help = (
        "PostgreSQL: give the application's role (which owns nothing) SELECT/INSERT/UPDATE/DELETE on every table, "
        "USAGE on the sequences, and only SELECT/INSERT on the audit trail. Run as the owner role after every migrate."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("role", help="the role the application connects as (e.g. wayfinder_app)")

    def handle(self, *args, role: str, **options) -> None:
        if connection.vendor != "postgresql":
            self.stdout.write("Not PostgreSQL: nothing to grant.")
            return
        try:
            statements = grant_app_role(role)
        except ValueError as error:
            raise CommandError(str(error)) from error
        self.stdout.write(
            self.style.SUCCESS(f"Granted {role} the application's privileges ({len(statements)} statements).")
        )
