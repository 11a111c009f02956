from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "wayfinder.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wayfinder.accounts.extension_points import STAFF_GATES

        from .services.onboarding import next_step_url

        # People who joined by invitation finish onboarding before any staff page.
        STAFF_GATES.register("partners", next_step_url)
