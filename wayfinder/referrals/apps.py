from django.apps import AppConfig


class ReferralsConfig(AppConfig):
    name = "wayfinder.referrals"
    label = "referrals"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """What referrals add to rules and pages of the apps below them
        (docs/architecture.md). A missing required provider fails the system check."""
        from wayfinder.consent.extension_points import LIMITED_ACCESS_LINKS
        from wayfinder.directory.extension_points import PAIRED_HISTORY
        from wayfinder.residents.extension_points import MY_PLAN_SECTIONS, NAME_CHANGED, RECORD_SECTIONS

        from . import hooks

        LIMITED_ACCESS_LINKS.register("referrals", hooks.organization_has_referral, label="referral")
        RECORD_SECTIONS.register("referrals", hooks.resident_referral_section, order=10)
        MY_PLAN_SECTIONS.register("referrals", hooks.my_plan_referral_section, order=10)
        PAIRED_HISTORY.register("referrals", hooks.paired_history)
        NAME_CHANGED.register("referrals", hooks.refresh_resident_search)
