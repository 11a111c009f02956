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
        self._exchange_bundle()

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

    def _exchange_bundle(self) -> None:
        from django.conf import settings

        from wayfinder.demo.exchange_client import BUNDLE_PATH, CLIENT_NAME, DEMO_RESIDENT_INDIVIDUAL_ID
        from wayfinder.demo.launch import resident_id_for

        base = settings.SITE_URL
        self.stdout.write(f"Exchange screening bundle ({CLIENT_NAME}), food and transportation needs:")
        self.stdout.write("  TOKEN=$(.venv/bin/python manage.py demo_fhir_token)")
        self.stdout.write(
            f'  curl -s -X POST {base}/fhir/ -H "Authorization: Bearer $TOKEN" '
            f'-H "Content-Type: application/fhir+json" -H "Accept: application/fhir+json" '
            f"--data-binary @{BUNDLE_PATH.relative_to(settings.BASE_DIR)}"
        )
        self.stdout.write(
            "  then sign in as socialwork@bluegrassregional.demo.wayfinder.test (Priya Raman, hospital) and open"
        )
        self.stdout.write(
            f"  {base}/clients/{resident_id_for(DEMO_RESIDENT_INDIVIDUAL_ID)}/ (Lucia Fernandez): the needs show"
        )
        self.stdout.write("  the source Kentucky Health Information Exchange.")
        self.stdout.write("")
