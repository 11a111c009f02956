import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.demo.personas import load_personas


class Command(BaseCommand):
    help = "Load the Kentucky demo: personas, their organizations and the demo directory (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--personas-only", action="store_true", help="Skip the directory and residents.")
        parser.add_argument("--services", type=int, default=12000, help="Size of the generated Kentucky directory.")

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("load_demo only runs in demo mode (WAYFINDER_DEMO=1).")
        users = load_personas()
        self.stdout.write(f"Demo personas ready: {len(users)} accounts.")
        if options["personas_only"]:
            return
        from wayfinder.demo.directory import ensure_demo_directory
        from wayfinder.demo.eligibility import load_demo_residents
        from wayfinder.demo.partners import load_demo_partners
        from wayfinder.demo.referrals import load_demo_referrals
        from wayfinder.demo.search import load_demo_index

        started = time.monotonic()
        ensure_demo_directory(services=options["services"], seed=2026, index=False)
        self.stdout.write(
            f"Demo directory ready ({options['services']:,} services, {time.monotonic() - started:.0f} s)."
        )
        load_demo_partners(self.stdout)
        load_demo_residents(self.stdout)
        load_demo_referrals(self.stdout)
        from wayfinder.demo.launch import ensure_launch_patients

        self.stdout.write(f"Exchange portal patients ready: {len(ensure_launch_patients())} eligibility records.")
        from wayfinder.demo.exchange_client import ensure_demo_exchange_client, key_path

        exchange, _key = ensure_demo_exchange_client()
        self.stdout.write(f"Demo exchange client ready: {exchange.name} (key {key_path()}).")
        load_demo_index(self.stdout)
