from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.demo.exchange_portal.app import NotInDemoMode, refuse_outside_demo


class Command(BaseCommand):
    help = "Serve the development exchange portal (a SMART launcher) on loopback; demo mode only."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8010)
        parser.add_argument("--wayfinder", default="http://127.0.0.1:8000", help="Wayfinder's base URL.")

    def handle(self, *args, **options) -> None:
        from wayfinder.demo.exchange_portal.app import create_app
        from wayfinder.demo.servers import serve_forever

        try:
            refuse_outside_demo()
        except NotInDemoMode as error:
            raise CommandError(str(error)) from None
        public_url = f"http://127.0.0.1:{options['port']}"
        exchange = next((e for e in settings.SMART_LAUNCH_EXCHANGES if e["iss"] == f"{public_url}/fhir"), None)
        if exchange is None:
            raise CommandError(f"SMART_LAUNCH_EXCHANGES has no entry with iss {public_url}/fhir (see `make run`).")
        wayfinder = options["wayfinder"].rstrip("/")
        try:
            app = create_app(
                public_url=public_url,
                wayfinder_launch_url=f"{wayfinder}/launch",
                client_id=exchange["client_id"],
                client_secret=exchange.get("client_secret", ""),
                redirect_uri=f"{wayfinder}/launch/callback",
            )
        except NotInDemoMode as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Development exchange portal at {public_url}")
        serve_forever(app, options["port"])
