from django.apps import AppConfig


class HieConfig(AppConfig):
    name = "wayfinder.integrations.hie"
    label = "hie"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area of the exchange registers its FHIR resource handlers here.
        from .outbound import register_handlers as register_outbound

        register_outbound()
