from django.apps import AppConfig


class AssessmentsConfig(AppConfig):
    name = "wayfinder.assessments"
    label = "assessments"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        """The Needs section of the resident record and My Plan's assessments and
        suggested resources (docs/architecture.md: extension points)."""
        from wayfinder.residents.extension_points import MY_PLAN_SECTIONS, RECORD_SECTIONS

        from . import sections

        RECORD_SECTIONS.register("assessments", sections.resident_assessment_section, order=20)
        MY_PLAN_SECTIONS.register("assessments", sections.my_plan_assessment_section, order=20)
