"""Inbound text messages (consent reply codes).

POST /sms/inbound/ is called by the SMS provider, never by a signed-in person: the
only credential is the HMAC signature of the body (X-Wayfinder-Signature), so a
request without one is a 403 for every role, session or not, and nothing else is
served. Signed requests are tested in wayfinder/consent/tests/test_consent_by_text_reply.py.
"""

from __future__ import annotations

from tests.permission_table import Rule, everyone

RULES = [
    Rule(
        "sms:inbound",
        "/sms/inbound/",
        everyone(403),
        method="POST",
        data={"from": "+18595550142", "body": "YES 1234"},
    ),
    Rule("sms:inbound", "/sms/inbound/", everyone(405)),
]
