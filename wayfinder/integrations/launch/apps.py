from django.apps import AppConfig


class LaunchConfig(AppConfig):
    """SMART App Launch from the health information exchange's clinician portal (docs/product.md 8.3)."""

    name = "wayfinder.integrations.launch"
    label = "launch"
    verbose_name = "Launch from the health information exchange"
