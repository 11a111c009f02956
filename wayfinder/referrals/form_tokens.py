"""One-time tokens that make "create referral" forms safe to send twice.

Submit, Back, Submit used to make two identical referrals (issue #14). Every
creation form now carries a token issued when the form is shown, signed and bound
to the person, the resident and the kind of form, so it cannot be replayed on
another form. The referral stores the token's random part (``Referral.form_token``,
unique per service): the second submit of the same form finds the referral the
first one made and shows it instead of making another; a race between two
submits is settled by that unique constraint.
"""

from __future__ import annotations

import secrets

from django.core import signing

_SALT = "wayfinder.referrals.form-token"
# Longer than any staff session (12 hours absolute), so a form never expires while
# its session lives; an expired token only asks the person to check and send again.
MAX_AGE_SECONDS = 24 * 60 * 60

STAFF_FORM = "staff"
FAVORITES_FORM = "favorites"
SELF_FORM = "self"


def issue(user, resident, kind: str) -> str:
    """A token for one creation form ``kind`` shown to ``user`` about ``resident``."""
    payload = {"u": user.pk, "r": str(resident.pk), "k": kind, "n": secrets.token_urlsafe(18)}
    return signing.dumps(payload, salt=_SALT)


def redeem(token: str, user, resident, kind: str) -> str | None:
    """The key to store on the referrals this form creates, or None when the token
    is missing, forged, expired, or was issued for another person, resident or form."""
    try:
        payload = signing.loads(token or "", salt=_SALT, max_age=MAX_AGE_SECONDS)
    except signing.BadSignature:
        return None
    if not isinstance(payload, dict):
        return None
    if payload.get("u") != user.pk or payload.get("r") != str(resident.pk) or payload.get("k") != kind:
        return None
    nonce = payload.get("n")
    return nonce if isinstance(nonce, str) and 16 <= len(nonce) <= 64 else None
