from django.core.management.base import BaseCommand

from wayfinder.demo.personas import DEMO_PASSWORD, PERSONAS


class Command(BaseCommand):
    help = "Print the demo sign-ins."

    def handle(self, *args, **options) -> None:
        width = max(len(p.email) for p in PERSONAS)
        self.stdout.write("")
        self.stdout.write("Wayfinder demo — http://127.0.0.1:8000")
        self.stdout.write(f"Every demo account's password: {DEMO_PASSWORD}")
        self.stdout.write("Staff accounts use two-factor codes: .venv/bin/python manage.py demo_totp EMAIL")
        self.stdout.write("Emails and texts the demo sends: http://127.0.0.1:8000/demo/mailbox/")
        self.stdout.write("")
        for person in PERSONAS:
            mfa = "MFA" if person.is_staff_role else "   "
            self.stdout.write(f"  {person.email.ljust(width)}  {mfa}  {person.description}")
        self.stdout.write("")
