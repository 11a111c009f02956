"""The webhook channel: an HTTP POST queued in the outbox, delivered after commit, retried on failure."""

from __future__ import annotations

import threading
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from wayfinder.notifications import services
from wayfinder.notifications.models import OutboundMessage


class Receiver:
    def __init__(self, status: int = 200) -> None:
        self.status = status
        self.received: list[tuple[dict, bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers["Content-Length"]))
                receiver.received.append((dict(self.headers), body))
                self.send_response(receiver.status)
                self.end_headers()

            def log_message(self, *args) -> None:
                pass

        self.server = HTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_port}/hook"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self) -> None:
        self.server.shutdown()
        self.server.server_close()


@pytest.fixture
def receiver():
    running = Receiver()
    yield running
    running.close()


@pytest.mark.django_db
def test_a_webhook_is_posted_with_its_headers(receiver):
    message = services.queue_webhook(
        url=receiver.url, body='{"a": 1}', headers={"Content-Type": "application/fhir+json", "X-Token": "t"}
    )
    assert services.deliver(str(message.pk)) == "sent"
    headers, body = receiver.received[0]
    assert body == b'{"a": 1}'
    assert headers["Content-Type"] == "application/fhir+json" and headers["X-Token"] == "t"
    assert OutboundMessage.objects.get(pk=message.pk).status == "sent"


@pytest.mark.django_db
def test_a_refused_webhook_is_retried_later(receiver):
    receiver.status = 500
    message = services.queue_webhook(url=receiver.url, body="{}")
    assert services.deliver(str(message.pk)) == "failed"
    failed = OutboundMessage.objects.get(pk=message.pk)
    assert (failed.status, failed.attempts) == ("queued", 1)
    assert "500" in failed.last_error
    receiver.status = 200
    OutboundMessage.objects.filter(pk=message.pk).update(next_attempt_at=failed.created_at)
    assert services.deliver(str(message.pk)) == "sent"
    assert len(receiver.received) == 2


def test_a_url_too_long_for_the_outbox_is_refused():
    with pytest.raises(ValueError, match="254"):
        services.queue_webhook(url="http://x/" + "a" * 300, body="{}")
