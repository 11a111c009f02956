from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.demo.personas import PERSONAS, current_demo_code


class Command(BaseCommand):
    help = "Print the current two-factor code of a demo staff account (demo mode only)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("email")

    def handle(self, *args, email: str, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo_totp only works in demo mode (WAYFINDER_DEMO=1).")
        person = next((p for p in PERSONAS if p.email == email.lower()), None)
        if person is None or not person.is_staff_role:
            raise CommandError(f"{email} is not a demo staff account. Run `manage.py demo_signins` for the list.")
        self.stdout.write(current_demo_code(person.email))
