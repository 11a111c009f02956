"""allauth hooks: where people land after signing in, and how account email is sent."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest

from wayfinder.audit.names import ACCOUNT_SIGNED_IN

# The keys of allauth's email contexts that hold a one-time link, key or code.
_ONE_TIME_CONTEXT_KEYS = ("password_reset_url", "activate_url", "key", "code")


class AccountAdapter(DefaultAccountAdapter):
    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Account email (verification, password reset) goes through the
        notifications outbox: queued, retried, never lost."""
        from wayfinder.notifications.services import queue_email

        message = self.render_mail(template_prefix, email, context)
        html = None
        for content, mimetype in getattr(message, "alternatives", []) or []:
            if mimetype == "text/html":
                html = content
        # Password-reset and email-confirmation links (and login codes) work once:
        # the outbox cuts them out once the message is delivered.
        one_time = [str(context[key]) for key in _ONE_TIME_CONTEXT_KEYS if context.get(key)]
        queue_email(
            to=email,
            subject=message.subject,
            body=message.body,
            html=html,
            kind=template_prefix.rsplit("/", 1)[-1],
            one_time=one_time,
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Each role starts on its own page (``next_steps.landing_url_name``), not on a
        generic account page; a ``?next=`` link still wins (allauth checks it first)."""
        from django.urls import reverse

        from .next_steps import landing_url_name

        return reverse(landing_url_name(request.user))

    def get_signup_redirect_url(self, request: HttpRequest) -> str:
        """A first sign-in that creates the account (the state sign-in signs a new
        resident up) starts where every later sign-in starts, not on My account."""
        return self.get_login_redirect_url(request)

    def pre_authenticate(self, request: HttpRequest, **credentials) -> None:
        """A sign-in refused by the rate limit is audited (every sign-in attempt is:
        docs/security.md, "Authentication and sessions"), then refused as allauth refuses it."""
        from django.core.exceptions import ValidationError

        from wayfinder.audit import names
        from wayfinder.audit.log import log_action
        from wayfinder.audit.models import AuditEvent

        try:
            super().pre_authenticate(request, **credentials)
        except ValidationError:
            email = credentials.get("email") or credentials.get("username") or ""
            log_action(
                None,
                names.ACCOUNT_SIGN_IN_THROTTLED,
                outcome=AuditEvent.Outcome.DENIED,
                actor_label="anonymous",
                data={"email": str(email)[:254]},
            )
            raise

    def pre_login(self, request: HttpRequest, user, **kwargs):
        """The password was right; a person with two-factor authentication now owes
        the second step (audited as pending, so an abandoned step is visible)."""
        from wayfinder.audit import names
        from wayfinder.audit.log import log_action

        from .middleware import has_mfa_enrolled

        if has_mfa_enrolled(user):
            log_action(user, names.ACCOUNT_MFA_PENDING, user)
        return super().pre_login(request, user, **kwargs)

    def post_login(self, request: HttpRequest, user, **kwargs):
        """Audit the completed sign-in here rather than on Django's signal: only
        now are the methods used (password, MFA) recorded in the session."""
        from wayfinder.audit.log import log_action

        from .sessions import session_passed_provider_mfa

        sociallogin = (kwargs.get("signal_kwargs") or {}).get("sociallogin")
        data = None
        if sociallogin is not None:
            data = {
                "via": "state_sso",
                "provider": sociallogin.account.provider,
                "provider_mfa": session_passed_provider_mfa(request),
            }
        log_action(user, ACCOUNT_SIGNED_IN, user, data=data)
        return super().post_login(request, user, **kwargs)

    def get_login_stages(self) -> list[str]:
        """allauth's sign-in steps, with its "enter your code" step replaced by one
        that accepts the state identity provider's own MFA (accounts/sso.py)."""
        ours = "wayfinder.accounts.sso.ProviderMfaAuthenticateStage"
        return [ours if path == "allauth.mfa.stages.AuthenticateStage" else path for path in super().get_login_stages()]

    def get_logout_redirect_url(self, request: HttpRequest) -> str:
        """Signing out of a session that came through the state identity provider
        continues at the provider's end-session endpoint, so both sessions end
        (OpenID Connect RP-Initiated Logout). Called while the session still exists."""
        from .sso import end_session_url

        return end_session_url(request) or super().get_logout_redirect_url(request)

    def is_reauthentication_required(self, *, app: str, **kwargs) -> bool:
        """allauth asks for the password before MFA changes; not within minutes of
        the person typing it to sign in (a new staff member was asked again on the
        way from sign-in to MFA set-up, issue #14)."""
        from .sessions import signed_in_recently

        if not super().is_reauthentication_required(app=app, **kwargs):
            return False
        return not signed_in_recently(self.request)
