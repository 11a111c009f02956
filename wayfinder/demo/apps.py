from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The Kentucky demo: personas, demo data loaders, the demo commands and the demo
    mailbox. It sits at the top of the layers (docs/architecture.md): it may use
    every app, and no app uses it (as Zulip keeps its development data in zilencer)."""

    name = "wayfinder.demo"
    label = "demo"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from django.db.models.signals import post_save

        from wayfinder.notifications.models import OutboundMessage

        from .mailbox import copy_to_mailbox

        post_save.connect(copy_to_mailbox, sender=OutboundMessage, dispatch_uid="demo-mailbox")
