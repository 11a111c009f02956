from django.apps import AppConfig


class ConsentConfig(AppConfig):
    name = "wayfinder.consent"
    label = "consent"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import checks, extension_points  # noqa: F401 - registers the system checks, declares the links
