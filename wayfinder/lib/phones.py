"""US phone numbers in the one form the outbox and the SMS provider use: ``+1XXXXXXXXXX``."""

from __future__ import annotations


def us_e164(value: str) -> str:
    """``+1`` and the 10 digits of a US number written any way ("(859) 555-0100",
    "1-859-555-0100"), or "" when it does not have 10 digits (after a leading 1)."""
    digits = "".join(ch for ch in value if ch.isdigit())
    if len(digits) == 11 and digits.startswith("1"):
        digits = digits[1:]
    return "+1" + digits if len(digits) == 10 else ""
