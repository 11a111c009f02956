"""Sessions and their authentication level: MFA is checked per session
(docs/security.md, "Authentication and sessions").

allauth keeps, in each session, the list of ways the person proved who they are
in *that* session (password, TOTP code, recovery code). These rules read that list,
never the account: an account that has TOTP does not make a session that signed
in with a password alone an MFA session.
"""

from __future__ import annotations

import time

from allauth.account.authentication import get_authentication_records
from allauth.account.internal.flows.login import record_authentication
from django.conf import settings
from django.contrib.auth import get_user_model, update_session_auth_hash
from django.db.models import F
from django.http import HttpRequest

# The ways a person proves who they are that count as "signed in recently" for
# the re-authentication allauth asks before MFA changes.
_CREDENTIAL_METHODS = {"password", "mfa", "password_reset"}
# The ``type`` of an "mfa" record made when the state identity provider proved MFA.
PROVIDER_MFA = "provider"


def session_passed_mfa(request: HttpRequest) -> bool:
    """Whether a TOTP or recovery code was entered in this session (at sign-in,
    at re-authentication, or while setting TOTP up in this very session)."""
    if not hasattr(request, "session") or not request.user.is_authenticated:
        return False
    return any(record.get("method") == "mfa" for record in get_authentication_records(request, request.user))


def session_passed_provider_mfa(request: HttpRequest) -> bool:
    """Whether this session signed in through the state identity provider with the
    provider's own MFA (``sso.proves_mfa``): such a staff session needs no TOTP of ours."""
    if not hasattr(request, "session") or not request.user.is_authenticated:
        return False
    return any(
        record.get("method") == "mfa" and record.get("type") == PROVIDER_MFA
        for record in get_authentication_records(request, request.user)
    )


def record_provider_mfa(request: HttpRequest, user, provider: str, claims: dict) -> None:
    """Record in the session that the provider proved MFA at this sign-in, with the
    claims that said so (the audit row of the sign-in names them too)."""
    amr = claims.get("amr")
    record_authentication(
        request,
        user,
        method="mfa",
        type=PROVIDER_MFA,
        provider=provider,
        acr=str(claims.get("acr", ""))[:200] or None,
        amr=[str(m)[:32] for m in amr][:10] if isinstance(amr, list) else None,
    )


def signed_in_recently(request: HttpRequest | None) -> bool:
    """A password or code was entered in this session within the re-authentication
    window (allauth's ``ACCOUNT_REAUTHENTICATION_TIMEOUT``, 5 minutes). Asking for
    the password again seconds after the person typed it protects nothing and
    stalls new staff at MFA set-up (issue #14)."""
    if request is None or not hasattr(request, "session") or not request.user.is_authenticated:
        return False
    window = getattr(settings, "ACCOUNT_REAUTHENTICATION_TIMEOUT", 300)
    now = time.time()
    return any(
        record.get("method") in _CREDENTIAL_METHODS and now - float(record.get("at", 0)) < window
        for record in get_authentication_records(request, request.user)
    )


def record_enrolment_in_session(request: HttpRequest, authenticator) -> None:
    """Setting TOTP up takes a valid code from the new authenticator: this session
    has proved possession of it, so it counts as an MFA session. Other sessions do
    not (they are ended, see ``end_other_sessions``)."""
    from .next_steps import JUST_ENROLLED_KEY

    record_authentication(
        request, request.user, method="mfa", type=authenticator.type, id=authenticator.pk, enrolled=True
    )
    request.session[JUST_ENROLLED_KEY] = True


def end_other_sessions(request: HttpRequest | None, user, *, reason: str) -> None:
    """End every other session of ``user`` at its next request, keeping this one:
    the session hash covers ``credentials_epoch`` (see ``User``), so raising it
    invalidates every stored session; the current one is re-signed."""
    from wayfinder.audit.log import log_action
    from wayfinder.audit.names import ACCOUNT_OTHER_SESSIONS_ENDED

    users = get_user_model().objects
    users.filter(pk=user.pk).update(credentials_epoch=F("credentials_epoch") + 1)
    epoch = users.filter(pk=user.pk).values_list("credentials_epoch", flat=True).get()
    user.credentials_epoch = epoch
    if request is not None and hasattr(request, "session") and getattr(request.user, "pk", None) == user.pk:
        request.user.credentials_epoch = epoch
        update_session_auth_hash(request, request.user)
    log_action(user, ACCOUNT_OTHER_SESSIONS_ENDED, user, data={"reason": reason})
