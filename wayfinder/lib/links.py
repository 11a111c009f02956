"""Links made from imported data (2-1-1 feeds, partner edits): only http, https,
mailto and a valid tel (docs/security.md, "Input and transport").

A feed once carried ``javascript:`` websites and ``tel:javascript:`` phones, which
became clickable script. Every place a URL, email address or phone number from
data becomes an ``href`` goes through these functions (the ``web_href``,
``mailto_href`` and ``tel_href`` template filters call them). Each returns the
safe ``href`` or "" (the caller then shows the text without a link).
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

_WEB_SCHEMES = {"http", "https"}
# A bare host name as feeds often write it ("www.example.org/food").
_BARE_HOST = re.compile(r"^(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}(?::\d{1,5})?(?:[/?#]\S*)?$", re.I)
_EMAIL = re.compile(
    r"^[A-Za-z0-9.!#$%&'*+=^_`{|}~-]{1,64}@(?:[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?\.)+[A-Za-z]{2,63}$"
)
# Digits and the punctuation people write numbers with, then an optional extension.
_PHONE = re.compile(r"^\+?[\d\s().-]{3,24}(?:\s*(?:x|ext\.?|extension|,|;)\s*\d{1,6})?$", re.I)
# Three-digit numbers people dial: 2-1-1, 3-1-1 ... 9-1-1, and 988 (crisis line).
_SHORT_CODES = {f"{n}11" for n in range(2, 10)} | {"988"}
_UNSAFE_CHARACTERS = re.compile(r"[\x00-\x20\x7f<>\"'`\\]")
MAX_LENGTH = 2000


def web_href(value: object) -> str:
    """An http(s) URL with a host, or "" (``javascript:``, ``data:``, relative and
    malformed values are refused)."""
    text = str(value or "").strip()
    if not text or len(text) > MAX_LENGTH or _UNSAFE_CHARACTERS.search(text):
        return ""
    if "://" not in text and _BARE_HOST.match(text):
        text = "https://" + text
    try:
        parts = urlsplit(text)
    except ValueError:
        return ""
    if parts.scheme.lower() not in _WEB_SCHEMES or not parts.hostname:
        return ""
    return text


def mailto_href(value: object) -> str:
    """``mailto:`` and one plain address, or ""."""
    text = str(value or "").strip()
    if text.lower().startswith("mailto:"):
        text = text[len("mailto:") :]
    return f"mailto:{text}" if len(text) <= 254 and _EMAIL.match(text) else ""


def tel_href(value: object) -> str:
    """``tel:`` and the digits of a phone number (a leading + kept; a US number
    written with 10 digits gets +1), or "" when it is not a phone number."""
    text = str(value or "").strip()
    if text.lower().startswith("tel:"):
        text = text[len("tel:") :]
    if not _PHONE.match(text):
        return ""
    main = re.split(r"(?i)x|ext|extension|,|;", text, maxsplit=1)[0]
    digits = "".join(ch for ch in main if ch.isdigit())
    if digits in _SHORT_CODES:
        return f"tel:{digits}"
    if not 7 <= len(digits) <= 15:
        return ""
    if main.strip().startswith("+"):
        return f"tel:+{digits}"
    if len(digits) == 10:
        return f"tel:+1{digits}"
    if len(digits) == 11 and digits.startswith("1"):
        return f"tel:+{digits}"
    return f"tel:{digits}"


def safe_href(value: object) -> str:
    """Any of the three, chosen by the value's scheme (a bare address is an email)."""
    text = str(value or "").strip()
    lowered = text.lower()
    if lowered.startswith("mailto:") or ("@" in text and "://" not in text and ":" not in text):
        return mailto_href(text)
    if lowered.startswith("tel:"):
        return tel_href(text)
    return web_href(text)
