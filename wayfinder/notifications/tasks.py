from django_tasks import task

from . import services


@task()
def deliver_message(message_id: str) -> str:
    return services.deliver(message_id)
