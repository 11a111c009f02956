from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "wayfinder.audit"
    label = "audit"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import (
            checks,  # noqa: F401 - registers the deploy check
            extension_points,  # noqa: F401 - declares what other apps plug in here
        )
