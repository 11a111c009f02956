"""``log_action``: the one way anything is written to the audit trail.

Called by every action that writes, and by every read of resident data. It takes
who/where from the current request (``wayfinder.lib.request_context``) when there
is one, masks sensitive keys in ``data``, and links the new row to the previous
one by an HMAC keyed with ``AUDIT_HMAC_KEY`` (``audit/keys.py``).
"""

from __future__ import annotations

import datetime
import hashlib
import json
import uuid
from typing import Any

from django.db import Error as DatabaseErrors
from django.db import connection, transaction
from django.db.models import Model
from django.db.models.sql import InsertQuery
from django.utils import timezone

from wayfinder.lib import request_context
from wayfinder.lib.masking import mask_sensitive

from . import keys, names
from .models import AuditEvent

GENESIS_HASH = "0" * 64
# Any fixed number: the key of the PostgreSQL advisory lock that serialises the chain.
_CHAIN_LOCK_KEY = 7_231_001

# The fields of the first, unkeyed scheme (rows with key_id ""), in its exact form.
HASHED_FIELDS = (
    "seq",
    "event_id",
    "occurred_at",
    "action",
    "outcome",
    "actor_id",
    "actor_label",
    "actor_organization_id",
    "actor_role",
    "auth_level",
    "session_hash",
    "ip_address",
    "request_id",
    "object_type",
    "object_id",
    "resident_id",
    "legal_basis",
    "purpose",
    "data",
    "prev_hash",
)
# Keyed rows also cover the key id (so a row cannot claim another key) and the
# client's request id.
KEYED_FIELDS = (*HASHED_FIELDS, "client_request_id", "key_id")


def canonical_row(values: dict[str, Any], fields: tuple[str, ...]) -> bytes:
    """The bytes a row's hash covers: a canonical JSON of ``fields``, previous hash included."""
    canonical = {}
    for name in fields:
        value = values[name]
        if name == "occurred_at":
            value = value.astimezone(datetime.UTC).isoformat(timespec="microseconds")
        elif name == "event_id":
            value = str(value)
        canonical[name] = value
    encoded = json.dumps(canonical, sort_keys=True, separators=(",", ":"), default=str, ensure_ascii=False)
    return encoded.encode()


def compute_row_hash(values: dict[str, Any], key: keys.AuditKey | None = None) -> str:
    """The row's hash under its own scheme: an HMAC-SHA256 with the key its
    ``key_id`` names, or, for rows written before keys (``key_id`` ""), the
    original unkeyed SHA-256. ``key`` skips the look-up when the caller has it."""
    key_id = values.get("key_id") or ""
    if not key_id:
        return hashlib.sha256(canonical_row(values, HASHED_FIELDS)).hexdigest()
    key = key if key is not None and key.key_id == key_id else keys.key_for(key_id)
    return key.sign(keys.ROW_PURPOSE, canonical_row(values, KEYED_FIELDS))


def log_action(
    actor: Any,
    action: str,
    target: Model | None = None,
    *,
    purpose: str = "",
    data: dict[str, Any] | None = None,
    resident: Any = None,
    legal_basis: str = "",
    outcome: str = AuditEvent.Outcome.SUCCESS,
    organization: Any = None,
    role: str = "",
    actor_label: str = "",
) -> AuditEvent:
    """Append one event. ``actor`` is a user (or None for the system), ``action`` one
    of the names in ``wayfinder.audit.names`` (anything else raises ``UnknownAction``),
    ``target`` the object acted on, ``resident`` the resident whose data was touched
    (any object with ``pk``, or an id).
    """
    names.check(action)  # only the constants of audit/names.py: no free-text action names
    ctx = request_context.current()
    request = ctx.request if ctx else None
    actor_id, label, org_id, actor_role = _describe_actor(actor, organization, role)
    values: dict[str, Any] = {
        "event_id": uuid.uuid4(),
        "occurred_at": timezone.now(),
        "action": action,
        "outcome": str(outcome),
        "actor_id": actor_id,
        "actor_label": actor_label or label,
        "actor_organization_id": org_id,
        "actor_role": actor_role,
        "auth_level": _auth_level(request, actor),
        "session_hash": request_context.session_hash(request) if request is not None else "",
        "ip_address": ctx.ip_address if ctx else None,
        "request_id": ctx.request_id if ctx else "",
        "client_request_id": ctx.client_request_id if ctx else "",
        "object_type": target._meta.label_lower if target is not None else "",
        "object_id": str(target.pk) if target is not None else "",
        "resident_id": str(getattr(resident, "pk", resident) or ""),
        "legal_basis": str(legal_basis or ""),
        "purpose": purpose,
        # Round-trip through JSON so the hash sees exactly what the database stores.
        "data": json.loads(json.dumps(mask_sensitive(data or {}), default=str)),
    }
    key = keys.current_key()
    values["key_id"] = key.key_id
    if connection.vendor != "postgresql":
        # SQLite already holds the database write lock (IMMEDIATE transactions).
        with transaction.atomic():
            last = AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash").first()
            event = _chained(values, last, key)
            event.save(force_insert=True)
        return event
    if connection.in_atomic_block or not connection.get_autocommit():
        # Part of the caller's transaction: the row commits or rolls back with what it records.
        with transaction.atomic(savepoint=False), connection.cursor() as cursor:
            event = _chained(values, _lock_and_read_last(cursor), key)
            event.save(force_insert=True)
        return event
    return _append_in_own_transaction(values, key)


def _chained(values: dict[str, Any], last: tuple[int, str] | None, key: keys.AuditKey) -> AuditEvent:
    """The new row after ``last`` (seq, row_hash), its hash computed."""
    values["seq"] = (last[0] + 1) if last else 1
    values["prev_hash"] = last[1] if last else GENESIS_HASH
    return AuditEvent(**values, row_hash=compute_row_hash(values, key))


# Appends are serialised by a transaction-scoped advisory lock, taken before the
# newest row is read, so two rows never claim the same predecessor. Under READ
# COMMITTED each statement of a multi-statement string takes its own snapshot, so
# the read that follows the lock sees every row committed before the lock was granted.
_LOCK_AND_READ_SQL = (
    'SELECT pg_advisory_xact_lock(%s); SELECT "seq", "row_hash" FROM "audit_auditevent" ORDER BY "seq" DESC LIMIT 1'
)


def _last_result(cursor) -> tuple[int, str] | None:
    """The rows of the last statement of a multi-statement execute (its last result set)."""
    rows = None
    while True:
        if cursor.description is not None:
            rows = cursor.fetchall()
        if not cursor.nextset():
            break
    return tuple(rows[0]) if rows else None


def _lock_and_read_last(cursor) -> tuple[int, str] | None:
    """Lock the chain and read its newest row in one round trip."""
    cursor.execute(_LOCK_AND_READ_SQL, [_CHAIN_LOCK_KEY])
    return _last_result(cursor)


def _append_in_own_transaction(values: dict[str, Any], key: keys.AuditKey) -> AuditEvent:
    """An append outside any transaction (a read being logged) in two round trips
    instead of five (BEGIN, lock, read, INSERT, COMMIT each on its own): the lock and
    the read travel with BEGIN, the INSERT with COMMIT. Measured on the suggestions
    page, which logs every read (docs/performance.md, "Suggested resources")."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("BEGIN; " + _LOCK_AND_READ_SQL, [_CHAIN_LOCK_KEY])
            event = _chained(values, _last_result(cursor), key)
            insert, params = _insert_sql(event)
            cursor.execute(f"{insert}; COMMIT", params)
            event.pk = _last_result(cursor)[0]  # type: ignore[index]
        except BaseException:
            _rollback(cursor)
            raise
    event._state.adding = False
    event._state.db = connection.alias
    return event


def _insert_sql(event: AuditEvent) -> tuple[str, tuple]:
    """The INSERT ... RETURNING id that ``save()`` would send, from Django's own compiler."""
    meta = AuditEvent._meta
    query = InsertQuery(AuditEvent)
    query.insert_values([f for f in meta.local_concrete_fields if f is not meta.auto_field], [event])
    compiler = query.get_compiler(connection=connection)
    compiler.returning_fields = [meta.pk]
    [(sql, params)] = compiler.as_sql()
    return sql, params


def _rollback(cursor) -> None:
    try:
        cursor.execute("ROLLBACK")
    except DatabaseErrors:  # the connection itself failed: the server ends the transaction
        connection.close()


def _describe_actor(actor: Any, organization: Any, role: str) -> tuple[int | None, str, str, str]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return None, "system" if actor is None else "anonymous", "", role
    from .extension_points import actor_role  # the accounts app provides the answer

    org_id, derived_role = actor_role(actor)
    if organization is not None:
        org_id = str(getattr(organization, "pk", organization))
    return actor.pk, actor.email, org_id or "", role or derived_role


def _auth_level(request: Any, actor: Any) -> str:
    if actor is None or not getattr(actor, "is_authenticated", False) or request is None:
        return "none"
    if not hasattr(request, "session"):
        return "none"
    from allauth.account.authentication import get_authentication_records

    methods = {record.get("method") for record in get_authentication_records(request, actor)}
    if "mfa" in methods:
        return "mfa"
    if methods:
        return "password"
    return "session"
