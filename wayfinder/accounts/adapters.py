"""allauth hooks: where people land after signing in, and how account email is sent."""

from __future__ import annotations

from allauth.account.adapter import DefaultAccountAdapter
from django.http import HttpRequest


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
        queue_email(
            to=email, subject=message.subject, body=message.body, html=html, kind=template_prefix.rsplit("/", 1)[-1]
        )

    def get_login_redirect_url(self, request: HttpRequest) -> str:
        """Each role starts on its own page (``roles.landing_url_name``), not on a
        generic account page; a ``?next=`` link still wins (allauth checks it first)."""
        from django.urls import reverse

        from .roles import landing_url_name

        return reverse(landing_url_name(request.user))

    def post_login(self, request: HttpRequest, user, **kwargs):
        """Audit the completed sign-in here rather than on Django's signal: only
        now are the methods used (password, MFA) recorded in the session."""
        from wayfinder.audit.log import log_action

        log_action(user, "account.signed_in", user)
        return super().post_login(request, user, **kwargs)
