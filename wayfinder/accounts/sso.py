"""Single sign-on through the state's identity provider (OpenID Connect; docs/product.md 3.1).

django-allauth's ``openid_connect`` provider does the protocol (discovery, PKCE,
ID token checks); this module holds our rules around it:

- **Never a second account.** An identity the provider vouches for by a *verified*
  email links the account that has that email (allauth's email authentication);
  an unverified email that an account already uses is refused with a page that
  says what to do, instead of creating a duplicate or taking the account over.
- **The provider's MFA counts, per session.** When the ID token's ``acr`` or
  ``amr`` says the person used a second factor at the provider (the values are
  configuration, ``STATE_SSO_MFA_*``), the session is recorded as MFA-passed
  (``sessions.record_provider_mfa``) and our TOTP is not asked again; otherwise a
  staff member enters our TOTP (or sets it up) as after a password sign-in.
- **Signing out ends both**: when the provider's discovery document offers an
  ``end_session_endpoint`` (OpenID Connect RP-Initiated Logout), signing out of
  Wayfinder continues there.
"""

from __future__ import annotations

import logging
from typing import Any

import requests
from allauth.core.exceptions import ImmediateHttpResponse
from allauth.mfa.stages import AuthenticateStage
from allauth.socialaccount.adapter import DefaultSocialAccountAdapter
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.cache import cache
from django.http import HttpRequest
from django.shortcuts import render
from django.utils.http import urlencode

from wayfinder.audit import names

logger = logging.getLogger("wayfinder.accounts.sso")

_DISCOVERY_CACHE_SECONDS = 3600
_DISCOVERY_TIMEOUT_SECONDS = 5


def is_enabled() -> bool:
    """Whether a state identity provider is configured (else password sign-in only)."""
    return bool(getattr(settings, "STATE_SSO_ISSUER", "") and getattr(settings, "STATE_SSO_CLIENT_ID", ""))


def provider_name() -> str:
    return getattr(settings, "STATE_SSO_NAME", "") or "OpenID Connect"


def login_path() -> str:
    """Where the "Sign in with <provider>" button posts (allauth's provider login view)."""
    from django.urls import reverse

    return reverse("openid_connect_login", kwargs={"provider_id": settings.STATE_SSO_PROVIDER_ID})


def id_token_claims(extra_data: dict[str, Any] | None) -> dict[str, Any]:
    """The verified ID token's claims as allauth stores them on the social account."""
    claims = (extra_data or {}).get("id_token")
    return claims if isinstance(claims, dict) else {}


def proves_mfa(claims: dict[str, Any]) -> bool:
    """Whether the provider says the person used more than a password.

    Only the ID token is read (it is signed by the provider and checked by allauth;
    userinfo is not a statement about this authentication). ``acr`` must be one of
    the configured values; ``amr`` (RFC 8176) must hold one of the configured
    methods ("mfa" by default: the provider's own "multiple factors")."""
    acr_values = set(getattr(settings, "STATE_SSO_MFA_ACR_VALUES", []))
    amr_values = set(getattr(settings, "STATE_SSO_MFA_AMR_VALUES", []))
    acr = claims.get("acr")
    if isinstance(acr, str) and acr in acr_values:
        return True
    amr = claims.get("amr")
    if isinstance(amr, str):
        amr = [amr]
    return isinstance(amr, list) and bool(amr_values.intersection(str(method) for method in amr))


def state_account(user):
    """The user's link to the state identity provider, if any."""
    from allauth.socialaccount.models import SocialAccount

    return SocialAccount.objects.filter(user=user, provider=settings.STATE_SSO_PROVIDER_ID).first()


def last_sign_in_proved_mfa(user) -> bool:
    """Whether the account's most recent state sign-in proved MFA at the provider.
    Partner onboarding uses it for its "MFA in place" step; each session is still
    checked on its own (``StaffMfaRequiredMiddleware``)."""
    account = state_account(user)
    return account is not None and proves_mfa(id_token_claims(account.extra_data))


def _claim(data: dict[str, Any], name: str) -> str:
    value = data.get(name)
    return value.strip() if isinstance(value, str) else ""


def _claims_of(sociallogin) -> dict[str, Any]:
    """userinfo and ID token claims, the ID token's winning (it is signed)."""
    extra = sociallogin.account.extra_data or {}
    merged: dict[str, Any] = {}
    for part in ("userinfo", "id_token"):
        if isinstance(extra.get(part), dict):
            merged.update(extra[part])
    return merged


class StateSsoAdapter(DefaultSocialAccountAdapter):
    """allauth's hooks for the state identity provider (see module docstring)."""

    def populate_user(self, request: HttpRequest, sociallogin, data: dict[str, Any]):
        user = super().populate_user(request, sociallogin, data)
        claims = _claims_of(sociallogin)
        email = _claim(claims, settings.STATE_SSO_EMAIL_CLAIM) or (user.email or "")
        user.email = email.lower()
        name = _claim(claims, settings.STATE_SSO_NAME_CLAIM)
        if not name:
            name = " ".join(p for p in (_claim(claims, "given_name"), _claim(claims, "family_name")) if p)
        user.full_name = name[:200]
        return user

    def save_user(self, request: HttpRequest, sociallogin, form=None):
        from wayfinder.audit.log import log_action

        user = super().save_user(request, sociallogin, form)
        log_action(
            user, names.ACCOUNT_CREATED, user, data={"via": "state_sso", "provider": sociallogin.account.provider}
        )
        return user

    def pre_social_login(self, request: HttpRequest, sociallogin) -> None:
        """A state identity that is neither linked yet nor matched by a verified
        email must not become a second account for an email we already have."""
        if sociallogin.is_existing:
            return
        claims = _claims_of(sociallogin)
        emails = {_claim(claims, settings.STATE_SSO_EMAIL_CLAIM).lower()}
        emails |= {address.email.lower() for address in sociallogin.email_addresses}
        emails.discard("")
        if not emails:
            return
        from allauth.account.models import EmailAddress
        from django.db.models import Q

        same_user_email, same_address = Q(), Q()
        for email in emails:
            same_user_email |= Q(email__iexact=email)
            same_address |= Q(email__iexact=email)
        taken = (
            get_user_model().objects.filter(same_user_email).exists()
            or EmailAddress.objects.filter(same_address).exists()
        )
        if not taken:
            return
        from wayfinder.audit.log import log_action
        from wayfinder.audit.models import AuditEvent

        log_action(
            None,
            names.ACCOUNT_SSO_LINK_REFUSED,
            outcome=AuditEvent.Outcome.DENIED,
            actor_label="anonymous",
            data={"provider": sociallogin.account.provider, "reason": "email_not_verified_by_provider"},
        )
        raise ImmediateHttpResponse(
            render(request, "accounts/sso_cannot_link.html", {"provider_name": provider_name()}, status=409)
        )

    def on_authentication_error(self, request, provider, error=None, exception=None, extra_context=None) -> None:
        """Every failed attempt is audited (docs/security.md, "Audit log"); allauth then shows its page."""
        from wayfinder.audit.log import log_action
        from wayfinder.audit.models import AuditEvent

        log_action(
            None,
            names.ACCOUNT_SIGN_IN_FAILED,
            outcome=AuditEvent.Outcome.FAILURE,
            actor_label="anonymous",
            data={"via": "state_sso", "error": str(error or "")[:64], "exception": type(exception).__name__},
        )
        super().on_authentication_error(request, provider, error, exception, extra_context)


class ProviderMfaAuthenticateStage(AuthenticateStage):
    """allauth's "enter your code" step of sign-in, skipped when the state provider
    proved MFA for this very sign-in (recorded in the session instead)."""

    def handle(self) -> tuple:
        sociallogin = (self.login.signal_kwargs or {}).get("sociallogin")
        if sociallogin is not None and self.login.user is not None:
            claims = id_token_claims(sociallogin.account.extra_data)
            if sociallogin.account.provider == settings.STATE_SSO_PROVIDER_ID and proves_mfa(claims):
                from .sessions import record_provider_mfa

                record_provider_mfa(self.request, self.login.user, sociallogin.account.provider, claims)
                return None, True
        return super().handle()


def _discovery(issuer: str) -> dict[str, Any]:
    """The provider's discovery document (cached an hour; {} when unreachable)."""
    key = f"wf-oidc-discovery:{issuer}"
    document = cache.get(key)
    if document is None:
        try:
            response = requests.get(f"{issuer}/.well-known/openid-configuration", timeout=_DISCOVERY_TIMEOUT_SECONDS)
            response.raise_for_status()
            document = response.json()
            if not isinstance(document, dict):
                document = {}
        except (requests.RequestException, ValueError):
            logger.warning("state identity provider discovery unavailable")
            return {}
        cache.set(key, document, _DISCOVERY_CACHE_SECONDS)
    return document


def end_session_url(request: HttpRequest) -> str | None:
    """Where sign-out continues to end the provider's session too: its
    ``end_session_endpoint``, when this session signed in through the provider and
    the provider offers one. None otherwise (the Wayfinder session still ends)."""
    if not is_enabled() or not request.user.is_authenticated:
        return None
    from allauth.account.authentication import get_authentication_records

    provider_id = settings.STATE_SSO_PROVIDER_ID
    records = get_authentication_records(request, request.user)
    if not any(r.get("method") == "socialaccount" and r.get("provider") == provider_id for r in records):
        return None
    endpoint = _discovery(settings.STATE_SSO_ISSUER).get("end_session_endpoint")
    if not isinstance(endpoint, str) or not endpoint.startswith(("https://", "http://")):
        return None
    query = urlencode(
        {"client_id": settings.STATE_SSO_CLIENT_ID, "post_logout_redirect_uri": request.build_absolute_uri("/")}
    )
    return f"{endpoint}{'&' if '?' in endpoint else '?'}{query}"
