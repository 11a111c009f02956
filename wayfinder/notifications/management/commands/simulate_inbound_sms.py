"""Pretend the SMS provider forwarded a text: for demos and for support staff.

    manage.py simulate_inbound_sms --from +15025550101 --body "YES 1234"

The request goes through the whole stack (URL, middleware, signature check, view)
signed with ``SMS_INBOUND_SECRET``, exactly as the provider's would.
"""

from __future__ import annotations

import json
from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.http.request import validate_host
from django.test import Client
from django.urls import reverse

from wayfinder.notifications.inbound import SIGNATURE_HEADER, sign


class Command(BaseCommand):
    help = "Post a correctly signed inbound text message to /sms/inbound/ and print the answer."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--from", dest="sender", required=True, help="The sender's number, e.g. +15025550101.")
        parser.add_argument("--body", required=True, help='The text, e.g. "YES 1234".')
        parser.add_argument("--json", action="store_true", help="Send a JSON body instead of a form-encoded one.")

    def handle(self, *args, **options) -> None:
        secret = settings.SMS_INBOUND_SECRET
        if not secret:
            raise CommandError("SMS_INBOUND_SECRET is not set: the endpoint refuses every message.")
        payload = {"from": options["sender"], "body": options["body"]}
        if options["json"]:
            body, content_type = json.dumps(payload).encode(), "application/json"
        else:
            body, content_type = urlencode(payload).encode(), "application/x-www-form-urlencoded"
        site = urlsplit(settings.SITE_URL)
        response = Client(HTTP_HOST=self._host(site.hostname or "localhost")).post(
            reverse("sms:inbound"),
            data=body,
            content_type=content_type,
            headers={SIGNATURE_HEADER: sign(body, secret)},
            # Past the HTTPS redirect of a production deployment.
            secure=site.scheme == "https" or getattr(settings, "SECURE_SSL_REDIRECT", False),
        )
        self.stdout.write(f"{response.status_code} {response.content.decode()}")
        if response.status_code != 200:
            raise CommandError(f"the endpoint answered {response.status_code}")

    @staticmethod
    def _host(host: str) -> str:
        """A host name this deployment accepts (the site's own, else the first allowed)."""
        if validate_host(host, settings.ALLOWED_HOSTS):
            return host
        return next((h.lstrip(".") for h in settings.ALLOWED_HOSTS if h != "*"), host)
