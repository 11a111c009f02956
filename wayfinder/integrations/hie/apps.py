from django.apps import AppConfig


class HieConfig(AppConfig):
    name = "wayfinder.integrations.hie"
    label = "hie"
    default_auto_field = "django.db.models.BigAutoField"
