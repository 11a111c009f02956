"""What every consent module shares: the error the views show, token hashing and
the fixed periods."""

from __future__ import annotations

import hashlib
from datetime import timedelta

from django.conf import settings

DEFAULT_PURPOSE = "care_coordination"
LINK_VALID = timedelta(days=7)


class ConsentError(Exception):
    """A consent action that cannot go ahead; the message is safe to show."""


class ConsentChanged(ConsentError):
    """The consent changed since the form was shown (optimistic concurrency)."""


def consent_valid_for() -> timedelta:
    return timedelta(days=getattr(settings, "CONSENT_VALID_DAYS", 365))


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()
