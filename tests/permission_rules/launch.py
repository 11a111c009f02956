"""State single sign-on (allauth's social accounts, OpenID Connect) and the launch
from the exchange's clinician portal (issue #20).

The launch URLs are public (the exchange opens them in the clinician's browser) but
refuse without valid parameters, for every role, with a page saying why: no
``iss``/``launch`` (400), no ``state`` this browser started (400), no launch in
progress for the sign-in, notice and landing steps (400). What a valid launch opens
follows the consent rules; that is tested end to end in tests/browser/test_launch_*.py.

The state provider is not configured in this table's settings: its login and
callback URLs are 404 (no such provider). With it configured they are exercised by
tests/browser/test_sso_*.py.
"""

from __future__ import annotations

from tests.permission_table import Rule, everyone, signed_in

RULES = [
    # --- launch -------------------------------------------------------------------
    Rule("launch:start", "/launch", everyone(400)),
    Rule("launch:start", "/launch?iss=https://exchange.invalid/fhir&launch=abc", everyone(403)),
    Rule("launch:start", "/launch", everyone(405), method="POST"),
    Rule("launch:callback", "/launch/callback", everyone(400)),
    Rule("launch:callback", "/launch/callback?state=forged&code=forged", everyone(400)),
    Rule("launch:callback", "/launch/callback", everyone(405), method="POST"),
    Rule("launch:sign_in", "/launch/sign-in/", everyone(400)),
    Rule("launch:notice", "/launch/notice/", everyone(400)),
    Rule("launch:notice", "/launch/notice/", everyone(400), method="POST"),
    Rule("launch:landing", "/launch/landing/", everyone(400)),
    # --- state single sign-on (allauth social accounts) ------------------------------
    # Not configured here, so not a refusal of a person: allauth's own 404 (nothing to audit).
    Rule("openid_connect_login", "/accounts/oidc/state/login/", everyone(404), audited_404=False),
    Rule("openid_connect_login", "/accounts/oidc/state/login/", everyone(404), method="POST", audited_404=False),
    Rule("openid_connect_callback", "/accounts/oidc/state/login/callback/", everyone(404), audited_404=False),
    Rule("socialaccount_connections", "/accounts/3rdparty/", signed_in(200)),
    Rule("socialaccount_login_cancelled", "/accounts/3rdparty/login/cancelled/", everyone(200)),
    # allauth answers its sign-in error page with 401 (the sign-in did not happen).
    Rule("socialaccount_login_error", "/accounts/3rdparty/login/error/", everyone(401)),
    Rule("socialaccount_signup", "/accounts/3rdparty/signup/", everyone(302)),
    # A POST without a sign-in in progress (signup) or without an account to remove (connections).
    Rule("socialaccount_signup", "/accounts/3rdparty/signup/", everyone(302), method="POST"),
    Rule("socialaccount_connections", "/accounts/3rdparty/", signed_in(200), method="POST"),
    # allauth's old addresses: permanent redirects to the 3rdparty/ ones, whatever the method.
    *(
        Rule(f"<unnamed social/{old}/>", f"/accounts/social/{old}/", everyone(301), method=method)
        for old in ("connections", "login/cancelled", "login/error", "signup")
        for method in ("GET", "POST", "PUT", "PATCH", "DELETE")
    ),
]
