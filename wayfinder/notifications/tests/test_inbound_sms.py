"""Reading inbound texts: the signature and the sender's number."""

from __future__ import annotations

import pytest

from wayfinder.notifications.inbound import normalize_phone, sign, signature_valid

SECRET = "test-inbound-secret-0123456789abcdefghijklmnop"


@pytest.mark.parametrize(
    "value, expected",
    [
        ("+15025550101", "+15025550101"),
        ("502-555-0101", "+15025550101"),
        ("(502) 555 0101", "+15025550101"),
        ("15025550101", "+15025550101"),
        ("5550101", ""),  # no area code
        ("+445025550101", ""),  # not a US number
        ("0125550101", ""),  # no area code starts with 0 or 1
        ("72345", ""),  # a short code
        ("", ""),
    ],
)
def test_it_reads_us_numbers_only(value, expected):
    assert normalize_phone(value) == expected


def test_the_signature_covers_the_exact_body():
    body = b"from=%2B15025550101&body=YES+1234"
    signature = sign(body, SECRET)
    assert signature.startswith("sha256=") and len(signature) == 7 + 64
    assert signature_valid(body, signature, SECRET)
    assert signature_valid(body, signature.upper().replace("SHA256=", "sha256="), SECRET)  # hex in any case
    assert signature_valid(body, signature.removeprefix("sha256="), SECRET)  # prefix optional
    assert not signature_valid(body + b" ", signature, SECRET)
    assert not signature_valid(body, sign(body, SECRET + "x"), SECRET)
    assert not signature_valid(body, "", SECRET)
    assert not signature_valid(body, sign(body, ""), "")  # no secret: nothing validates
