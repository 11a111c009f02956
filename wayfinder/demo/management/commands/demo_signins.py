from django.core.management.base import BaseCommand

from wayfinder.demo.exchange_data import PATIENTS, STATE_ACCOUNTS
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
        self._state_sign_in()

    def _state_sign_in(self) -> None:
        from django.conf import settings

        if not settings.STATE_SSO_ENABLED:
            return
        self.stdout.write(f"State sign-in ({settings.STATE_SSO_NAME}, demo provider at {settings.STATE_SSO_ISSUER}):")
        self.stdout.write("  on the sign-in page press the state button, then the account's button at the provider.")
        for account in STATE_ACCOUNTS:
            mfa = "provider MFA" if account.mfa else "password only (staff then enter our code)"
            self.stdout.write(f"  {account.sub.ljust(18)}  {account.email}  {mfa}")
        for exchange in settings.SMART_LAUNCH_EXCHANGES:
            portal = exchange["iss"].removesuffix("/fhir")
            self.stdout.write("")
            self.stdout.write(f"Development exchange portal: {portal}")
            self.stdout.write("  sign in as Dr. Park (onboarded) or Dr. Rivers (not), press Launch Wayfinder;")
            self.stdout.write(f"  {len(PATIENTS)} patients cover the landing cases; Dr. Rivers shows Access Denied.")
        self.stdout.write("")
