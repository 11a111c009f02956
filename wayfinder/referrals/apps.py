from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "wayfinder.referrals"
    label = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wayfinder.partners.dashboard import register_section

        from .hooks import dashboard_inbox_section

        register_section("referrals.inbox", dashboard_inbox_section, order=10)
