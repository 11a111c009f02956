from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "wayfinder.accounts"
    label = "accounts"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wayfinder.audit.extension_points import ACTOR_ROLE

        from . import extension_points, roles, signals  # noqa: F401  (signals connects the audit receivers)

        ACTOR_ROLE.register("accounts", roles.primary_role)
