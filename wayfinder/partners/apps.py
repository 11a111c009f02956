from django.apps import AppConfig


class PartnersConfig(AppConfig):
    name = "wayfinder.partners"
    label = "partners"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import dashboard  # noqa: F401 - registers the dashboard's system check
