from django.apps import AppConfig


class DirectoryConfig(AppConfig):
    name = "wayfinder.directory"
    label = "directory"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from . import extension_points  # noqa: F401 - declares what other apps plug in here
