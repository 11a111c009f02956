from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from wayfinder.accounts.demo import load_personas


class Command(BaseCommand):
    help = "Load the Kentucky demo: personas, their organizations and the demo directory (idempotent)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--personas-only", action="store_true", help="Skip the directory and residents.")

    def handle(self, *args, **options) -> None:
        if not settings.DEMO_MODE:
            raise CommandError("load_demo only runs in demo mode (WAYFINDER_DEMO=1).")
        users = load_personas()
        self.stdout.write(f"Demo personas ready: {len(users)} accounts.")
        if options["personas_only"]:
            return
        for loader in demo_loaders():
            loader(self.stdout)


def demo_loaders():
    """Later parts of the demo (directory, residents, referrals), in order."""
    import importlib

    loaders = []
    for module_name, function_name in [
        ("wayfinder.integrations.two11.demo", "load_demo_directory"),
        ("wayfinder.integrations.eligibility.demo", "load_demo_residents"),
        ("wayfinder.directory.search.demo", "load_demo_index"),
    ]:
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError:
            continue
        function = getattr(module, function_name, None)
        if function is not None:
            loaders.append(function)
    return loaders
