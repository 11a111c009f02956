"""Forms that adjust allauth's behaviour for Wayfinder (wired in settings.MFA_FORMS)."""

from __future__ import annotations

from allauth.mfa.totp.forms import ActivateTOTPForm as AllauthActivateTOTPForm
from allauth.mfa.totp.internal import auth
from django import forms


class ActivateTOTPForm(AllauthActivateTOTPForm):
    """TOTP set-up whose secret stays the same while set-up is open.

    allauth makes a new secret on every GET of the set-up page, so anything that
    loads the page again (a second tab, a reload, the browser's favicon request
    once redirected there) silently replaced the QR code the person had just
    scanned, and every code was then "Incorrect" (issue #14). The secret lives in
    the session until TOTP is activated (allauth then clears it) or the session
    ends; it never leaves the server except on the set-up page itself.
    """

    def __init__(self, *args, **kwargs) -> None:
        self.user = kwargs.pop("user")
        forms.Form.__init__(self, *args, **kwargs)
        self.secret = auth.get_totp_secret(regenerate=False)
