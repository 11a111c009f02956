from django.apps import AppConfig


class Two11Config(AppConfig):
    name = "wayfinder.integrations.two11"
    label = "two11"
    default_auto_field = "django.db.models.BigAutoField"
