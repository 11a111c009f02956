from django_tasks import task

from . import services


@task()
def deliver_message(message_id: str) -> str:
    return services.deliver(message_id)


@task()
def deliver_due_messages() -> dict[str, int]:
    return services.deliver_due()
