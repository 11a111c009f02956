"""Parsing the HSDS API's query parameters: each is a string, and a bad one is a 400 with a reason."""

from __future__ import annotations

import datetime as dt
import uuid

from django.http import HttpRequest

MAX_PER_PAGE = 200
DEFAULT_PER_PAGE = 50


class BadRequest(Exception):
    pass


class NotFound(Exception):
    pass


def uuid_param(name: str, value: str | None) -> uuid.UUID | None:
    if value in (None, ""):
        return None
    try:
        return uuid.UUID(value)
    except ValueError:
        raise BadRequest(f"{name} must be a UUID, got {value!r}") from None


def bool_param(name: str, value: str | None) -> bool:
    if value in (None, ""):
        return False
    if value.lower() in ("true", "1", "yes"):
        return True
    if value.lower() in ("false", "0", "no"):
        return False
    raise BadRequest(f"{name} must be true or false, got {value!r}")


def int_param(name: str, value: str | None, default: int, low: int, high: int) -> int:
    if value in (None, ""):
        return default
    try:
        number = int(value)
    except ValueError:
        raise BadRequest(f"{name} must be an integer, got {value!r}") from None
    if not low <= number <= high:
        raise BadRequest(f"{name} must be between {low} and {high}, got {number}")
    return number


def datetime_param(name: str, value: str | None) -> dt.datetime | None:
    if value in (None, ""):
        return None
    try:
        parsed = dt.datetime.fromisoformat(value.replace(" ", "+"))
    except ValueError:
        raise BadRequest(f"{name} must be an ISO 8601 date or date-time, got {value!r}") from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=dt.UTC)


def format_param(value: str | None) -> str:
    if value in (None, "", "json", "ndjson"):
        return value or "json"
    raise BadRequest(f"format must be json or ndjson, got {value!r}")


def paging(request: HttpRequest, page: str | None, per_page: str | None) -> tuple[int, int]:
    """``page`` and ``per_page``; ``perPage`` is read too (the Open Referral UK validator sends it)."""
    if per_page in (None, ""):
        per_page = request.GET.get("perPage")
    return int_param("page", page, 1, 1, 10**9), int_param("per_page", per_page, DEFAULT_PER_PAGE, 1, MAX_PER_PAGE)
