from django.apps import AppConfig


class MetricsConfig(AppConfig):
    name = "wayfinder.metrics"
    label = "metrics"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        from wayfinder.lib.recurring_jobs import RECURRING_JOBS

        from .jobs import recurring_jobs

        RECURRING_JOBS.register("metrics", recurring_jobs, label="dashboard tallies, public figures, incentive report")
