"""Audit of authentication events.

Sign-out and failed attempts are performed by Django and allauth, not by
our actions, so their signals are the only place to record them (docs/security.md, "Authentication and sessions":
every sign-in attempt is in the audit log). Nothing else happens here.
"""

from __future__ import annotations

import time

from allauth.mfa.signals import authentication_failed, authenticator_added, authenticator_removed, authenticator_reset
from allauth.socialaccount.signals import social_account_added, social_account_removed
from django.contrib.auth.signals import user_logged_in, user_logged_out, user_login_failed
from django.dispatch import receiver

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.names import (
    ACCOUNT_MFA_ADDED,
    ACCOUNT_MFA_FAILED,
    ACCOUNT_MFA_RECOVERY_CODES_RESET,
    ACCOUNT_MFA_REMOVED,
    ACCOUNT_SIGN_IN_FAILED,
    ACCOUNT_SIGNED_OUT,
)

from .middleware import SESSION_SEEN_KEY, SESSION_STARTED_KEY
from .sessions import end_other_sessions, record_enrolment_in_session


@receiver(user_logged_in)
def start_session_clock(sender, request, user, **kwargs) -> None:
    """The staff session limits count from here (the audit row is written by the
    account adapter once the MFA step is known)."""
    if request is not None and hasattr(request, "session"):
        now = int(time.time())
        request.session[SESSION_STARTED_KEY] = now
        request.session[SESSION_SEEN_KEY] = now


@receiver(user_logged_out)
def record_sign_out(sender, request, user, **kwargs) -> None:
    if user is not None:
        log_action(user, ACCOUNT_SIGNED_OUT, user)


@receiver(user_login_failed)
def record_failed_sign_in(sender, credentials, request=None, **kwargs) -> None:
    email = (credentials or {}).get("email") or (credentials or {}).get("username") or ""
    log_action(
        None,
        ACCOUNT_SIGN_IN_FAILED,
        outcome=AuditEvent.Outcome.FAILURE,
        actor_label="anonymous",
        data={"email": str(email)[:254]},
    )


@receiver(authentication_failed)
def record_wrong_mfa_code(sender, request, user, authenticator, reauthentication=False, **kwargs) -> None:
    """A wrong authenticator code (sign-in or re-authentication)."""
    log_action(
        user,
        ACCOUNT_MFA_FAILED,
        user,
        outcome=AuditEvent.Outcome.FAILURE,
        data={"type": authenticator.type, "reauthentication": bool(reauthentication)},
    )


# An MFA change ends the account's other sessions (docs/security.md, "Authentication and sessions": "all sessions
# ended when ... its password or MFA changes"): a session that signed in with a
# password alone before TOTP existed must not become an MFA session, and whoever
# holds an old session must not outlive a reset of the codes. The session making
# the change stays signed in; only it proved the new factor.
@receiver(authenticator_added)
def record_mfa_added(sender, request, user, authenticator, **kwargs) -> None:
    log_action(user, ACCOUNT_MFA_ADDED, user, data={"type": authenticator.type})
    if authenticator.type == "recovery_codes":
        return  # made together with the TOTP authenticator, which ends the sessions
    if authenticator.type == "totp" and request is not None:
        record_enrolment_in_session(request, authenticator)
    end_other_sessions(request, user, reason=f"mfa_added:{authenticator.type}")


@receiver(authenticator_removed)
def record_mfa_removed(sender, request, user, authenticator, **kwargs) -> None:
    log_action(user, ACCOUNT_MFA_REMOVED, user, data={"type": authenticator.type})
    end_other_sessions(request, user, reason=f"mfa_removed:{authenticator.type}")


@receiver(authenticator_reset)
def record_mfa_reset(sender, request, user, authenticator, **kwargs) -> None:
    log_action(user, ACCOUNT_MFA_RECOVERY_CODES_RESET, user, data={"type": authenticator.type})
    end_other_sessions(request, user, reason="recovery_codes_regenerated")


# Linking an account to the state identity provider (a verified email matched, or
# the person connected it) and unlinking it are account changes: audited.


@receiver(social_account_added)
def record_sso_linked(sender, request, sociallogin, **kwargs) -> None:
    user = sociallogin.user
    log_action(user, names.ACCOUNT_SSO_LINKED, user, data={"provider": sociallogin.account.provider})


@receiver(social_account_removed)
def record_sso_unlinked(sender, request, socialaccount, **kwargs) -> None:
    user = socialaccount.user
    log_action(user, names.ACCOUNT_SSO_UNLINKED, user, data={"provider": socialaccount.provider})
