"""``log_action``: the one way anything is written to the audit trail.

Called by every action that writes, and by every read of resident data. It takes
who/where from the current request (``wayfinder.lib.request_context``) when there
is one, masks sensitive keys in ``data``, and links the new row to the previous
one by an HMAC keyed with ``AUDIT_HMAC_KEY`` (``audit/keys.py``).

``appended_together`` is for an act that writes many rows in one transaction (a
100-entry FHIR transaction writes 101): inside it, each ``log_action`` prepares its
row and the rows are appended at the end, in the order logged, under one chain
lock, with one read of the chain's head and one INSERT. The chain is the one
appending them one by one would have made (same links, same hashes), so
``verify_audit_log`` checks it the same way.
"""

from __future__ import annotations

import contextlib
import contextvars
import datetime
import hashlib
import json
import uuid
from collections.abc import Iterator
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

# Rows prepared inside ``appended_together`` (None: outside it, rows are appended at once).
_pending: contextvars.ContextVar[list[tuple[AuditEvent, keys.AuditKey]] | None] = contextvars.ContextVar(
    "audit_pending", default=None
)

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
    pending = _pending.get()
    if pending is not None:
        # Numbered, linked and hashed when the block ends (``_append``).
        event = AuditEvent(**values)
        pending.append((event, key))
        return event
    event = AuditEvent(**values)
    if connection.vendor == "postgresql" and not connection.in_atomic_block and connection.get_autocommit():
        _append_in_own_transaction(event, key)
        return event
    # On PostgreSQL inside a caller's transaction the row joins it (no savepoint of its
    # own: it commits or rolls back with what it records); SQLite already holds the
    # database write lock (IMMEDIATE transactions).
    with transaction.atomic(savepoint=connection.vendor != "postgresql"):
        _append([(event, key)])
    return event


@contextlib.contextmanager
def appended_together() -> Iterator[None]:
    """Append the rows logged inside the block together when it ends (see the module
    docstring). The caller's transaction must cover the block, so the rows commit or
    roll back with what they record; an exception leaving the block discards them.
    Only for a block that any failure abandons as a whole: a savepoint rolled back
    inside it would not take its rows back. Nested blocks append with the outermost.
    The events ``log_action`` returns inside get their ``seq`` and hashes at the end."""
    if _pending.get() is not None:
        yield
        return
    if not connection.in_atomic_block:
        raise RuntimeError("appended_together() must run inside transaction.atomic()")
    token = _pending.set([])
    try:
        yield
        rows = _pending.get() or []
    finally:
        _pending.reset(token)
    if rows:
        _append(rows)


def _append(rows: list[tuple[AuditEvent, keys.AuditKey]]) -> None:
    """Number, link and hash ``rows`` after the chain's head and insert them (in the
    caller's transaction, under the chain lock)."""
    _link(rows, _lock_and_read_head())
    if len(rows) == 1:
        rows[0][0].save(force_insert=True)
    else:
        AuditEvent.objects.bulk_create([event for event, _key in rows], batch_size=500)


def _link(rows: list[tuple[AuditEvent, keys.AuditKey]], last: tuple[int, str] | None) -> None:
    """Number, link and hash ``rows`` after ``last`` (the chain head's seq and row_hash)."""
    seq, prev_hash = (last[0], last[1]) if last else (0, GENESIS_HASH)
    for event, key in rows:
        seq += 1
        event.seq, event.prev_hash = seq, prev_hash
        values = {name: getattr(event, name) for name in KEYED_FIELDS}
        event.row_hash = prev_hash = compute_row_hash(values, key)


# Appends are serialised by a transaction-scoped advisory lock on PostgreSQL, taken
# before the chain's head is read, so two rows never claim the same predecessor. The
# lock and the read travel in one multi-statement string: under READ COMMITTED each
# statement takes its own snapshot, so the read still sees every row committed before
# the lock was granted (docs/performance.md, "Suggested resources").
_LOCK_AND_READ_SQL = (
    'SELECT pg_advisory_xact_lock(%s); SELECT "seq", "row_hash" FROM "audit_auditevent" ORDER BY "seq" DESC LIMIT 1'
)


def _lock_and_read_head() -> tuple[int, str] | None:
    """Lock the chain and read its head: one round trip on PostgreSQL. SQLite already
    holds the database write lock (IMMEDIATE transactions)."""
    if connection.vendor != "postgresql":
        return AuditEvent.objects.order_by("-seq").values_list("seq", "row_hash").first()
    with connection.cursor() as cursor:
        cursor.execute(_LOCK_AND_READ_SQL, [_CHAIN_LOCK_KEY])
        return _last_result(cursor)


def _last_result(cursor) -> tuple[int, str] | None:
    """The first row of the last statement of a multi-statement execute (its last result set)."""
    rows = None
    while True:
        if cursor.description is not None:
            rows = cursor.fetchall()
        if not cursor.nextset():
            break
    return tuple(rows[0]) if rows else None


def _append_in_own_transaction(event: AuditEvent, key: keys.AuditKey) -> None:
    """An append outside any transaction (a read being logged, PostgreSQL) in two round
    trips instead of five (BEGIN, lock, read, INSERT, COMMIT each on its own): the lock
    and the read travel with BEGIN, the INSERT with COMMIT. Every page that shows
    resident data logs its read (docs/performance.md, "Suggested resources")."""
    with connection.cursor() as cursor:
        try:
            cursor.execute("BEGIN; " + _LOCK_AND_READ_SQL, [_CHAIN_LOCK_KEY])
            _link([(event, key)], _last_result(cursor))
            insert, params = _insert_sql(event)
            cursor.execute(f"{insert}; COMMIT", params)
            event.pk = _last_result(cursor)[0]  # type: ignore[index]
        except BaseException:
            _rollback(cursor)
            raise
    event._state.adding = False
    event._state.db = connection.alias


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
