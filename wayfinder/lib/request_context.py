"""Per-request context (request id, client address, session hash) and structured logs.

The audit log reads the current request's context from here, so actions called
deep inside services still record who, from where and under which session without
every function passing the request along.

Request logs record the URL *pattern* (``residents/<uuid:pk>/``), never the
concrete path or query string: paths carry resident identifiers and query strings
carry names typed into client search. Identifiers that do appear are replaced by
a keyed pseudonym (HMAC with the server's secret): a plain hash of a small integer
id is reversed by hashing 1, 2, 3... until it matches.

Every request gets an id we generate. A client's or proxy's ``X-Request-ID`` is
never used as ours (anyone could then choose, repeat or forge the id the audit
trail is searched by); when it is well formed it is kept beside ours as
``client_request_id``, so a request can still be followed across a proxy's logs.
"""

from __future__ import annotations

import contextvars
import json
import logging
import re
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from django.http import HttpRequest, HttpResponse
from django.utils.crypto import salted_hmac

logger = logging.getLogger("wayfinder.request")


@dataclass
class RequestContext:
    request_id: str
    client_request_id: str = ""
    ip_address: str | None = None
    session_hash: str = ""
    started: float = field(default_factory=time.monotonic)
    request: HttpRequest | None = None


_current: contextvars.ContextVar[RequestContext | None] = contextvars.ContextVar("wayfinder_request", default=None)


def current() -> RequestContext | None:
    """The context of the request being served, or None in commands and tasks."""
    return _current.get()


_PSEUDONYM_SALT = "wayfinder.request_context.identifier"
# What a client's request id may look like: UUIDs, hex, W3C/B3 trace ids, "a.b:c-d_e".
CLIENT_REQUEST_ID = re.compile(r"[A-Za-z0-9._:-]{1,64}")


def hash_identifier(value: object) -> str:
    """A short, stable pseudonym for an identifier written to logs: an HMAC keyed
    with ``SECRET_KEY``, so it cannot be recomputed (or reversed by trying ids)
    by whoever reads the logs."""
    if value in (None, ""):
        return ""
    return salted_hmac(_PSEUDONYM_SALT, str(value), algorithm="sha256").hexdigest()[:16]


def client_request_id(request: HttpRequest) -> str:
    """The client's ``X-Request-ID`` when it is well formed (charset and length), else ""."""
    value = request.headers.get("X-Request-ID", "")
    return value if CLIENT_REQUEST_ID.fullmatch(value) else ""


def client_ip(request: HttpRequest) -> str | None:
    """REMOTE_ADDR. Behind a proxy, the proxy must set it (e.g. gunicorn
    --forwarded-allow-ips); trusting X-Forwarded-For blindly lets anyone forge it."""
    return request.META.get("REMOTE_ADDR") or None


def session_hash(request: HttpRequest) -> str:
    session = getattr(request, "session", None)
    key = getattr(session, "session_key", None) if session is not None else None
    return hash_identifier(key) if key else ""


class WayfinderRequest(HttpRequest):
    """What our middleware attaches to every request (the access layer's typed
    requests, ``wayfinder.accounts.access``, build on it)."""

    request_id: str


class RequestContextMiddleware:
    """Assigns our own request id, exposes the context to the audit log, logs one line."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request_id = uuid.uuid4().hex
        ctx = RequestContext(
            request_id=request_id,
            client_request_id=client_request_id(request),
            ip_address=client_ip(request),
            request=request,
        )
        cast(WayfinderRequest, request).request_id = request_id
        token = _current.set(ctx)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response["X-Request-ID"] = request_id
        _log_request(request, response, ctx)
        return response


def _log_request(request: HttpRequest, response: HttpResponse, ctx: RequestContext) -> None:
    match = getattr(request, "resolver_match", None)
    user = getattr(request, "user", None)
    logger.info(
        "request",
        extra={
            "event": "request",
            "request_id": ctx.request_id,
            "client_request_id": ctx.client_request_id,
            "method": request.method,
            "route": getattr(match, "route", None) or "<unresolved>",
            "view": getattr(match, "view_name", None),
            "status": response.status_code,
            "duration_ms": round((time.monotonic() - ctx.started) * 1000, 1),
            "user": hash_identifier(user.pk) if user is not None and user.is_authenticated else "",
        },
    )


_STANDARD_RECORD_KEYS = set(vars(logging.makeLogRecord({})).keys()) | {"message", "asctime"}


class JsonFormatter(logging.Formatter):
    """One JSON object per line (UTC timestamps): the message plus any ``extra`` fields."""

    converter = staticmethod(time.gmtime)

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, Any] = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%SZ"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        for key, value in vars(record).items():
            if key not in _STANDARD_RECORD_KEYS and not key.startswith("_"):
                payload[key] = value
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str)
