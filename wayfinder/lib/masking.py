"""Masking of sensitive values before they are stored in logs or the audit trail."""

from __future__ import annotations

from typing import Any

MASK = "********"
# Keys whose values are secrets or identity numbers. Matched case-insensitively
# against every part of a key ("new_password", "totp_code", "ssn_last4"...).
SENSITIVE_PARTS = (
    "password",
    "passwd",
    "secret",
    "token",
    "otp",
    "totp",
    "code",
    "key",
    "ssn",
    "social_security",
    "authorization",
    "cookie",
    "session",
    "recovery",
)


def is_sensitive_key(key: str) -> bool:
    lowered = key.lower()
    return any(part in lowered for part in SENSITIVE_PARTS)


def mask_sensitive(value: Any) -> Any:
    """A copy of ``value`` with every sensitive key's value replaced by a mask,
    at any depth of dicts and lists."""
    if isinstance(value, dict):
        return {
            key: (MASK if isinstance(key, str) and is_sensitive_key(key) else mask_sensitive(item))
            for key, item in value.items()
        }
    if isinstance(value, (list, tuple)):
        return [mask_sensitive(item) for item in value]
    return value
