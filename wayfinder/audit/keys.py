"""The keys that make the audit trail tamper-evident, from outside the database.

A plain hash chain can be rewritten by anyone who can write the table: edit a row,
re-hash it and every row after it, and the chain verifies. An HMAC needs the key,
which lives in the environment (``AUDIT_HMAC_KEY``), never in the database, so a
database administrator, a stolen backup or an SQL injection cannot forge rows.

Each row and each checkpoint records the *id* of the key that signed it (a
fingerprint of the key, so an id can never point at the wrong key). Rotating: the
new key goes in ``AUDIT_HMAC_KEY`` and the old one moves to
``AUDIT_HMAC_PREVIOUS_KEYS``, which is only ever used to verify.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings

# Domain separation: a row's HMAC can never pass as a checkpoint's signature or
# the other way round, even though both use the same key.
ROW_PURPOSE = b"wayfinder.audit.row.v1\n"
CHECKPOINT_PURPOSE = b"wayfinder.audit.checkpoint.v1\n"


class UnknownKeyError(LookupError):
    """A row or checkpoint names a key id that is not configured."""


@dataclass(frozen=True)
class AuditKey:
    key_id: str
    secret: bytes

    def sign(self, purpose: bytes, message: bytes) -> str:
        return hmac.new(self.secret, purpose + message, hashlib.sha256).hexdigest()


def key_id_for(secret: str) -> str:
    """A short public fingerprint of a key (it reveals nothing usable about the key)."""
    return hashlib.sha256(b"wayfinder.audit.key-id\n" + secret.encode()).hexdigest()[:12]


def _key(secret: str) -> AuditKey:
    return AuditKey(key_id_for(secret), secret.encode())


def current_key() -> AuditKey:
    """The key new rows and checkpoints are signed with."""
    return _key(settings.AUDIT_HMAC_KEY)


def key_for(key_id: str) -> AuditKey:
    """The current or a previous key, by id; ``UnknownKeyError`` if neither."""
    for secret in [settings.AUDIT_HMAC_KEY, *settings.AUDIT_HMAC_PREVIOUS_KEYS]:
        key = _key(secret)
        if key.key_id == key_id:
            return key
    raise UnknownKeyError(key_id)


def same_digest(a: str, b: str) -> bool:
    return hmac.compare_digest(a.encode(), b.encode())
