from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.demo.exchange_client import demo_access_token
from wayfinder.integrations.hie.fhir.tokens import TokenError


class Command(BaseCommand):
    help = "Print an access token for the demo exchange client (five minutes), made through the token endpoint."

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("demo_fhir_token only runs in demo mode (WAYFINDER_DEMO=1).")
        try:
            answer = demo_access_token()
        except LookupError as error:
            raise CommandError(str(error)) from error
        except TokenError as error:
            raise CommandError(f"The token endpoint refused the demo client: {error.body()}") from error
        self.stdout.write(answer["access_token"])
