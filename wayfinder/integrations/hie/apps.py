from django.apps import AppConfig


class HieConfig(AppConfig):
    name = "wayfinder.integrations.hie"
    label = "hie"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self) -> None:
        # Each area of the exchange registers its FHIR resource handlers here.
        from .outbound import register_handlers as register_outbound

        register_outbound()
        from .tasks import register_handlers as register_tasks

        register_tasks()
        # Inbound last: it adds create/update to types other areas already serve.
        from .inbound.register import register_handlers as register_inbound

        register_inbound()
        # The resident's sharing choice, linked from My Plan's menu.
        from wayfinder.residents.extension_points import MY_PLAN_LINKS

        from .myplan.links import my_plan_link

        MY_PLAN_LINKS.register("hie.sharing", my_plan_link, order=50)
