"""Turning what real feeds contain into valid HSDS values, and saying what was changed.

Each function takes one value (already a string, unless JSON gave a number) and returns the value
to store and, when it changed something, a short note of what ("matched case-insensitively").
It raises ``Invalid`` when the value cannot be read as the field's type (the record is rejected),
or ``Unusable`` when the field can simply be left empty (a web address that is not one): the
record lands and the report says which value was left out. Nothing here rejects a value a
normalization can read, and nothing changes a value silently (docs/formats/hsds-import.md).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from functools import lru_cache
from urllib.parse import quote, urlsplit, urlunsplit

WHITESPACE = " \t\r\n\u00a0\ufeff"
_NULL_TEXT = frozenset({"NULL", "null", "Null"})


class Invalid(ValueError):
    """The value cannot be read as this field's type: the record is rejected."""


class Unusable(ValueError):
    """The value is not usable but the field may be empty: it is left out and reported."""


def stripped(value: str) -> tuple[str, str]:
    """Surrounding spaces (and a stray byte-order mark) removed."""
    out = value.strip(WHITESPACE)
    return out, ("surrounding spaces removed" if out != value else "")


def is_null_text(value: str) -> bool:
    """``NULL``/``null`` in a CSV cell means no value (the specification's own figures write it)."""
    return value in _NULL_TEXT


_ENUM_SEP = re.compile(r"[\s_\-]+")


def enum_matcher(allowed: tuple[str, ...]):
    """A function matching a value to the enumeration case-insensitively, ignoring spaces, hyphens
    and underscores ("Temporarily_Closed" → "temporarily closed")."""
    table = {_ENUM_SEP.sub(" ", a.lower()).strip(): a for a in allowed}

    def match(value: str) -> tuple[str, str]:
        if value in allowed:
            return value, ""
        found = table.get(_ENUM_SEP.sub(" ", value.lower()).strip())
        if found is None:
            raise Invalid(f"{value!r} is not one of {', '.join(allowed)}")
        return found, "matched the allowed values ignoring case and spacing"

    return match


_NUMBER = re.compile(r"^[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?$")
_GROUPED = re.compile(r"^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$")


def number(value: object, from_text: bool) -> tuple[float, str]:
    if isinstance(value, bool):
        raise Invalid(f"expected a number, got {value!r}")
    if isinstance(value, int | float):
        if not math.isfinite(value):
            raise Invalid(f"{value!r} is not a finite number")
        return float(value), ""
    if not isinstance(value, str):
        raise Invalid(f"expected a number, got {type(value).__name__}")
    text = value
    note = "" if from_text else "number given as text read as a number"
    if not _NUMBER.match(text):
        candidate = text.lstrip("$£€").replace(" ", "")
        if _GROUPED.match(candidate):
            candidate = candidate.replace(",", "")
        if not _NUMBER.match(candidate):
            raise Invalid(f"expected a number, got {value!r}")
        text, note = candidate, "currency sign or thousands separators removed"
    result = float(text)
    if not math.isfinite(result):
        raise Invalid(f"{value!r} is not a finite number")
    return result, note


_ISO_DATE = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[T ].*)?$")
_SLASH_DATE = re.compile(r"^(\d{1,2})[/.\-](\d{1,2})[/.\-](\d{4}|\d{2})$")
_YMD_SLASH = re.compile(r"^(\d{4})/(\d{1,2})/(\d{1,2})$")
_WORD_FORMATS = ("%B %d, %Y", "%b %d, %Y", "%d %B %Y", "%d %b %Y", "%B %d %Y", "%b %d %Y")


def date(value: str) -> tuple[dt.date, str]:
    """ISO dates, single-digit months and days, US month/day/year (day/month/year when the first
    number cannot be a month), year/month/day with slashes, "March 15, 2023"."""
    if len(value) == 10 and value[4] == "-" and value[7] == "-":
        try:
            return dt.date.fromisoformat(value), ""
        except ValueError:
            pass
    try:
        if m := _ISO_DATE.match(value):
            y, mo, d = (int(g) for g in m.groups())
            note = "" if len(value) == 10 else "date and time: the date kept"
            if len(value) < 10:
                note = "written as YYYY-MM-DD"
            return dt.date(y, mo, d), note
        if m := _SLASH_DATE.match(value):
            first, second, year = (int(g) for g in m.groups())
            if year < 100:
                year += 2000 if year < 70 else 1900
            if first > 12 >= second:
                return dt.date(year, second, first), "read as day/month/year"
            return dt.date(year, first, second), "read as month/day/year (US)"
        if m := _YMD_SLASH.match(value):
            y, mo, d = (int(g) for g in m.groups())
            return dt.date(y, mo, d), "written as YYYY-MM-DD"
    except ValueError:
        raise Invalid(f"{value!r} is not a date") from None
    for fmt in _WORD_FORMATS:
        try:
            return dt.datetime.strptime(value, fmt).date(), "written as YYYY-MM-DD"
        except ValueError:
            continue
    raise Invalid(f"{value!r} is not a date (YYYY-MM-DD)")


def datetime(value: str) -> tuple[dt.datetime, str]:
    note = ""
    try:
        parsed = dt.datetime.fromisoformat(value)
    except ValueError:
        try:
            day, note = date(value)
        except Invalid:
            raise Invalid(f"{value!r} is not an ISO 8601 date-time") from None
        parsed, note = dt.datetime(day.year, day.month, day.day), "a date given: midnight UTC"
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=dt.UTC), note or ""
    return parsed, note


_HHMMSS = re.compile(r"^([01]\d|2[0-3]):[0-5]\d:[0-5]\d$")
_TIME = re.compile(
    r"^(\d{1,2})(?::?(\d{2}))?(?::(\d{2})(?:\.\d+)?)?\s*(a\.?m\.?|p\.?m\.?)?\s*(Z|[+-]\d{2}:?\d{2})?$", re.IGNORECASE
)


def time(value: str) -> tuple[str, str]:
    """``HH:MM:SS`` (the datapackage ``time`` type), keeping a ``Z`` or UTC offset: ``9:00``,
    ``9:00 AM``, ``5:30 pm``, ``0900``, ``9am``; ``24:00`` is the end of the day (23:59:59)."""
    if _HHMMSS.match(value):
        return value, ""
    m = _TIME.match(value)
    if not m or (m.group(2) is None and m.group(4) is None and len(m.group(1)) < 3):
        compact = re.fullmatch(r"(\d{2})(\d{2})", value)
        if not compact:
            raise Invalid(f"{value!r} is not a time (HH:MM)")
        hour, minute, second, ampm, zone = int(compact[1]), int(compact[2]), 0, None, None
    else:
        hour, minute = int(m.group(1)), int(m.group(2) or 0)
        second, ampm, zone = int(m.group(3) or 0), m.group(4), m.group(5)
    if ampm:
        if not 1 <= hour <= 12:
            raise Invalid(f"{value!r} is not a time")
        hour = hour % 12 + (12 if ampm.lower().startswith("p") else 0)
    if hour == 24 and minute == 0 and second == 0:
        hour, minute, second = 23, 59, 59
    if hour > 23 or minute > 59 or second > 59:
        raise Invalid(f"{value!r} is not a time")
    out = f"{hour:02d}:{minute:02d}:{second:02d}"
    if zone:
        zone = zone.upper()
        out += zone if zone == "Z" or ":" in zone else f"{zone[:3]}:{zone[3:]}"
    return out, ("written as HH:MM:SS" if out != value else "")


_LABEL = re.compile(r"^(?!-)[a-z0-9-]{1,63}(?<!-)$", re.IGNORECASE)
_TLD = re.compile(r"^(?:[a-z]{2,63}|xn--[a-z0-9-]{1,59})$", re.IGNORECASE)
_LOOKS_LIKE_HOST = re.compile(
    r"^(?:www\.)?[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9-]+)*\.[a-z]{2,63}(?:[:/?#]|$)", re.I
)


@lru_cache(maxsize=4096)  # feeds repeat a few domains (the 2-1-1's own, big agencies') everywhere
def hostname_ok(host: str) -> bool:
    if not host or len(host) > 253:
        return False
    try:
        host = host.encode("idna").decode("ascii")
    except UnicodeError:
        return False
    labels = host.rstrip(".").split(".")
    return len(labels) >= 2 and all(_LABEL.match(x) for x in labels) and bool(_TLD.match(labels[-1]))


_SAFE_PATH = "/%:@!$&'()*+,;=-._~"
_SAFE_QUERY = _SAFE_PATH + "?"


@lru_cache(maxsize=4096)  # pure: the same address gives the same result and note (an Unusable is not kept)
def url(value: str) -> tuple[str, str]:
    """An absolute http(s) address: ``www.example.org`` gains ``https://``; spaces and characters a
    URI may not hold are percent-encoded; anything else is ``Unusable``."""
    note = ""
    text = value
    if "://" not in text:
        if text.lower().startswith(("http:/", "https:/")) and not text.lower().startswith(("http://", "https://")):
            raise Unusable(f"{value!r} is not a web address")
        if not _LOOKS_LIKE_HOST.match(text):
            raise Unusable(f"{value!r} is not a web address")
        text, note = "https://" + text, "https:// added"
    try:
        parts = urlsplit(text)
        port = parts.port
    except ValueError:
        raise Unusable(f"{value!r} is not a web address") from None
    if parts.scheme.lower() not in ("http", "https") or not hostname_ok(parts.hostname or ""):
        raise Unusable(f"{value!r} is not a web address")
    host = parts.hostname or ""
    try:
        ascii_host = host.encode("idna").decode("ascii")
    except UnicodeError:
        raise Unusable(f"{value!r} is not a web address") from None
    netloc = parts.netloc
    if ascii_host != host or "@" in netloc:
        netloc = ascii_host if port is None else f"{ascii_host}:{port}"
        note = note or "written as a URI"
    path = quote(parts.path, safe=_SAFE_PATH)
    query = quote(parts.query, safe=_SAFE_QUERY)
    fragment = quote(parts.fragment, safe=_SAFE_QUERY)
    out = urlunsplit((parts.scheme.lower(), netloc, path, query, fragment))
    if out != text and not note:
        note = "written as a URI (spaces or other characters percent-encoded)"
    return out, note


_LOCAL = re.compile(r"^[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+(\.[A-Za-z0-9!#$%&'*+/=?^_`{|}~-]+)*$")
_SEPARATORS = re.compile(r"[;,\s]+")


@lru_cache(maxsize=4096)  # pure, and feeds repeat addresses (an assurer's on every service)
def email(value: str) -> tuple[str, str]:
    """One email address: ``mailto:`` dropped; of several, the first; anything else ``Unusable``."""
    note = ""
    text = value
    if text.lower().startswith("mailto:"):
        text, note = text[7:], "mailto: removed"
    parts = [p for p in _SEPARATORS.split(text) if p]
    if len(parts) > 1 and all("@" in p for p in parts):
        text, note = parts[0], "several addresses: the first kept"
    if not is_email(text):
        raise Unusable(f"{value!r} is not an email address")
    return text, note


def is_email(text: str) -> bool:
    if text.count("@") != 1 or len(text) > 254:
        return False
    local, domain = text.split("@")
    return 0 < len(local) <= 64 and bool(_LOCAL.match(local)) and hostname_ok(domain) and domain.isascii()


COUNTRIES = {
    "usa": "US",
    "u.s.": "US",
    "u.s.a.": "US",
    "united states": "US",
    "united states of america": "US",
    "canada": "CA",
    "can": "CA",
    "mexico": "MX",
    "mex": "MX",
    "united kingdom": "GB",
    "uk": "GB",
    "gbr": "GB",
    "great britain": "GB",
    "england": "GB",
}


def country(value: str) -> tuple[str, str]:
    """ISO 3166-1 alpha-2, as the address schema asks: "USA", "United States" → "US"."""
    if len(value) == 2 and value.isupper():
        return value, ""
    if len(value) == 2 and value.isalpha():
        return value.upper(), "written as an ISO 3166-1 code"
    found = COUNTRIES.get(value.lower())
    if found:
        return found, "written as an ISO 3166-1 code"
    return value, ""
