"""US phone numbers in the one form the outbox and the SMS provider use: ``+1XXXXXXXXXX``."""

from __future__ import annotations


def _is_dialable(digits: str) -> bool:
    """The North American Numbering Plan's shape of a real number: the area code and
    the exchange start with 2-9, and neither is an N11 service code (211, 911...)."""
    area, exchange = digits[:3], digits[3:6]
    return all(part[0] in "23456789" and part[1:] != "11" for part in (area, exchange))


def us_e164(value: str) -> str:
    """``+1`` and the 10 digits of a US number written any way ("(859) 555-0100",
    "1-859-555-0100"), or "" when it does not have 10 digits (after a leading 1) or
    could not be a real number ("12345", "123-456-7890": no area code starts with 1)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return "+1" + digits if len(digits) == 10 and _is_dialable(digits) else ""


def format_us(value: str) -> str:
    """A US number as people write it, "(859) 555-0142"; anything else unchanged
    (an extension or a foreign number stays as it was entered)."""
    number = us_e164(value or "")
    if not number or any(ch.isalpha() for ch in value):
        return value
    digits = number[2:]
    return f"({digits[:3]}) {digits[3:6]}-{digits[6:]}"
