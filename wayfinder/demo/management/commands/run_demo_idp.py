from django.core.management.base import BaseCommand, CommandError

from wayfinder.demo.exchange_portal.app import NotInDemoMode


class Command(BaseCommand):
    help = "Serve the demo state identity provider (OpenID Connect) on loopback; demo mode only."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--port", type=int, default=8020)

    def handle(self, *args, **options) -> None:
        from wayfinder.demo.servers import demo_identity_provider, serve_forever

        try:
            app = demo_identity_provider()
        except NotInDemoMode as error:
            raise CommandError(str(error)) from None
        self.stdout.write(f"Demo state identity provider at http://127.0.0.1:{options['port']}")
        serve_forever(app, options["port"])
