"""Reply codes: the "YES 4821" a resident can text back instead of opening the link.

A code belongs to one request and to the number the request was texted to. Only a
keyed hash of (number, code) is stored: four digits are quick to try against a
plain hash, so the key (derived from ``SECRET_KEY``) is what keeps a database
reader from recovering open codes. Codes are issued only when inbound texts can
arrive (``SMS_INBOUND_SECRET`` is set), only for general consent (Part 2 needs
the signed form) and only for 10-digit US numbers.
"""

from __future__ import annotations

import re
import secrets
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.db import IntegrityError, transaction
from django.utils.crypto import salted_hmac

from wayfinder.notifications.inbound import normalize_phone

from .models import ConsentRequest, Scope

CODE_DIGITS = 4
_DRAWS = 20

# Whole-message keywords that carriers and providers handle themselves (opt-out,
# opt-in, help). They are never answered: texting someone who just sent STOP is
# not allowed.
CARRIER_KEYWORDS = frozenset(
    {
        "STOP",
        "STOPALL",
        "STOP ALL",
        "UNSUBSCRIBE",
        "CANCEL",
        "END",
        "QUIT",
        "OPTOUT",
        "OPT OUT",
        "REVOKE",
        "START",
        "UNSTOP",
        "HELP",
        "INFO",
        "AYUDA",
        "PARAR",
        "ALTO",
    }
)

# "YES 4821", "yes, 4821", "Sí 4821", "si4821", "NO 48 21." (accents, case, spaces
# and punctuation do not matter; exactly four digits).
_REPLY = re.compile(rf"[\W_]*(YES|SI|NO)[\W_]*((?:\d[\W_]*){{{CODE_DIGITS}}})")


@dataclass(frozen=True)
class Reply:
    grant: bool
    code: str
    spanish: bool


def fold(text: str) -> str:
    """Upper case, accents removed, runs of whitespace made one space."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return " ".join(plain.upper().split())


def parse_reply(body: str) -> Reply | None:
    match = _REPLY.fullmatch(fold(body))
    if match is None:
        return None
    keyword = match.group(1)
    code = "".join(ch for ch in match.group(2) if ch.isdigit())
    return Reply(grant=keyword != "NO", code=code, spanish=keyword == "SI")


def hash_reply_code(phone: str, code: str) -> str:
    return salted_hmac("wayfinder.consent.reply_code", f"{phone}:{code}", algorithm="sha256").hexdigest()


def hash_phone(phone: str) -> str:
    """How the throttle counts a number without storing it."""
    return salted_hmac("wayfinder.consent.reply_phone", phone, algorithm="sha256").hexdigest()


def issues_codes(consent_request: ConsentRequest) -> bool:
    return (
        bool(settings.SMS_INBOUND_SECRET)
        and consent_request.channel == ConsentRequest.Channel.TEXT
        and consent_request.scope == Scope.GENERAL
        and bool(normalize_phone(consent_request.sent_to))
    )


def save_with_reply_code(consent_request: ConsentRequest) -> str:
    """Insert a new request; return its reply code, or "" when it gets none (then
    the text carries the link only)."""
    if not issues_codes(consent_request):
        consent_request.save(force_insert=True)
        return ""
    consent_request.reply_phone = normalize_phone(consent_request.sent_to)
    for _draw in range(_DRAWS):
        code = f"{secrets.randbelow(10**CODE_DIGITS):0{CODE_DIGITS}d}"
        consent_request.reply_code_hash = hash_reply_code(consent_request.reply_phone, code)
        try:
            # The partial unique constraint keeps two open requests of one number
            # from sharing a code, even when they are created at the same moment.
            with transaction.atomic():
                consent_request.save(force_insert=True)
        except IntegrityError:
            continue
        return code
    # Only a number with thousands of open requests gets here: link only.
    consent_request.reply_code_hash = ""
    consent_request.save(force_insert=True)
    return ""
