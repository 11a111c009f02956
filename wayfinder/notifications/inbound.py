"""Inbound text messages: how a provider proves a request is its own, and how its
payload is read.

The provider (or a small relay in front of it) signs the exact request body with
the shared secret ``SMS_INBOUND_SECRET``:

    X-Wayfinder-Signature: sha256=<hex HMAC-SHA256(secret, raw body)>

The payload is form-encoded or JSON with the sender in ``from`` and the text in
``body`` (``From``/``Body`` and ``text`` are accepted too). See docs/operations.md.
"""

from __future__ import annotations

import hashlib
import hmac
import json
from dataclasses import dataclass

from django.http import HttpRequest

from wayfinder.lib.phones import us_e164

SIGNATURE_HEADER = "X-Wayfinder-Signature"
_PREFIX = "sha256="
# Longer than any concatenated SMS (10 segments of 160): anything bigger is not a text.
MAX_BODY_CHARS = 1600


@dataclass(frozen=True)
class InboundSms:
    sender: str
    body: str


def sign(body: bytes, secret: str) -> str:
    """The header value a provider sends for ``body``."""
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def signature_valid(body: bytes, header_value: str, secret: str) -> bool:
    """Constant-time comparison of the header against the expected signature. An
    empty secret never validates (the endpoint is off, not open)."""
    if not secret or not header_value:
        return False
    value = header_value.strip()
    if value[: len(_PREFIX)].lower() == _PREFIX:
        value = value[len(_PREFIX) :]
    expected = sign(body, secret)[len(_PREFIX) :]
    return hmac.compare_digest(expected.encode(), value.lower().encode())


def parse_inbound(request: HttpRequest) -> InboundSms | None:
    """The sender and text of a signed request, or None when either is missing."""
    content_type = (request.content_type or "").lower()
    if content_type == "application/json":
        try:
            payload = json.loads(request.body or b"null")
        except (ValueError, UnicodeDecodeError):
            return None
        if not isinstance(payload, dict):
            return None
    else:
        payload = request.POST
    sender = _first(payload, "from", "From")
    body = _first(payload, "body", "Body", "text", "Text")
    if not sender or body is None:
        return None
    return InboundSms(sender=sender.strip()[:32], body=body[:MAX_BODY_CHARS])


def _first(payload, *keys: str) -> str | None:
    for key in keys:
        value = payload.get(key)
        if isinstance(value, str | int) and not isinstance(value, bool):
            return str(value)
    return None


def normalize_phone(value: str) -> str:
    """A North American number as ``+1XXXXXXXXXX``, or "" for anything else (short
    codes, international numbers): reply codes are only sent to and matched
    against 10-digit US numbers."""
    number = us_e164(value)
    return "" if not number or number[2] in "01" else number  # area codes never start with 0 or 1
