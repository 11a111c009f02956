from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "wayfinder.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wayfinder.accounts.extension_points import NEXT_REQUIRED_STEP

        from .services.onboarding import next_step_url

        # After MFA set-up, "Continue" leads to the next onboarding step.
        NEXT_REQUIRED_STEP.register("partners", next_step_url)
