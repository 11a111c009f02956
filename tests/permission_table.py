"""Who gets what on every URL: the table behind tests/test_permissions.py.

Each rule names a URL pattern, a concrete path for it, the method, and the
expected status for each role; every method a view accepts needs its own rule
(tests/test_permissions.py fails otherwise). The walk also checks the audit log:
a signed-in person's 403 (and 404, unless ``audited_404=False``) leaves an
``access.denied`` entry, and a 200 on a ``reads_resident`` rule leaves a read
entry. Every feature that adds a URL adds its rows in its own module under
``tests/permission_rules/`` (a ``RULES`` list built with the helpers below).

Roles (docs/product.md, "People and roles"; the demo personas of wayfinder/demo/personas.py):
  anonymous        not signed in
  resident         Amy Brand
  org_staff        staff of the owning organization (Bluegrass Community Food Bank)
  org_admin        admin of the owning organization
  other_org_staff  staff of another organization (Lexington Family Resource Center)
  reviewer         United Way reviewer
  specialist       United Way referral specialist
  system_admin     system administrator
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

ROLES = (
    "anonymous",
    "resident",
    "org_staff",
    "org_admin",
    "other_org_staff",
    "reviewer",
    "specialist",
    "system_admin",
)
SIGNED_IN = ROLES[1:]
STAFF = ("org_staff", "org_admin", "other_org_staff", "reviewer", "specialist", "system_admin")

PERSONA_FOR_ROLE = {
    "resident": "resident",
    "org_staff": "food_bank_staff",
    "org_admin": "food_bank_admin",
    "other_org_staff": "family_center_staff",
    "reviewer": "reviewer",
    "specialist": "specialist",
    "system_admin": "system_admin",
}


@dataclass(frozen=True)
class Rule:
    url_name: str
    path: str
    expect: dict[str, int]
    method: str = "GET"
    data: dict[str, str] = field(default_factory=dict)
    # Creates the objects the path names (called with the personas before the request).
    prepare: Callable[[dict], None] | None = None
    # A 404 here refuses a protected object: the access layer must audit it. False
    # where the path names nothing that exists (unknown admin pages, the API root).
    audited_404: bool = True
    # A 200 here shows resident data to someone else: an audit entry must record the read.
    reads_resident: bool = False

    def __post_init__(self) -> None:
        missing = set(ROLES) - set(self.expect)
        if missing:
            raise ValueError(f"{self.url_name}: no expected status for {sorted(missing)}")


def everyone(status: int) -> dict[str, int]:
    return dict.fromkeys(ROLES, status)


def signed_in(status: int, *, anonymous: int = 302, **overrides: int) -> dict[str, int]:
    """``status`` for everyone signed in, ``anonymous`` (sent to sign in) otherwise."""
    return {**dict.fromkeys(ROLES, status), "anonymous": anonymous, **overrides}


def only(allowed: tuple[str, ...], status: int = 200, *, denied: int = 403, anonymous: int = 302) -> dict[str, int]:
    return {role: status if role in allowed else (anonymous if role == "anonymous" else denied) for role in ROLES}


def anonymous_only(status: int = 200, *, signed_in_status: int = 302) -> dict[str, int]:
    return {**dict.fromkeys(ROLES, signed_in_status), "anonymous": status}


RULES: list[Rule] = [
    # --- project ---------------------------------------------------------------
    Rule("healthz", "/healthz", everyone(200)),
    Rule("favicon", "/favicon.ico", everyone(302)),
    Rule("set_language", "/i18n/setlang/", everyone(302), method="POST", data={"language": "es", "next": "/"}),
    Rule("api:openapi-json", "/api/openapi.json", everyone(200)),
    Rule("api:api-root", "/api/", everyone(404), audited_404=False),
    Rule("directory:home", "/", everyone(200)),
    # The demo mailbox exists in demo mode only (the suite runs outside it).
    Rule("demo:mailbox", "/demo/mailbox/", everyone(404), audited_404=False),
    # --- accounts (allauth + ours) ------------------------------------------------
    Rule("accounts:home", "/accounts/home/", signed_in(200)),
    # Each role's own start page (accounts.next_steps.landing_url_name).
    Rule("accounts:start", "/accounts/start/", signed_in(302)),
    # "Continue" at the end of MFA set-up: on to the next step.
    Rule("accounts:mfa_continue", "/accounts/2fa/continue/", signed_in(302)),
    Rule("account_login", "/accounts/login/", anonymous_only(200)),
    Rule("account_logout", "/accounts/logout/", signed_in(200)),
    Rule("account_inactive", "/accounts/inactive/", everyone(200)),
    Rule("account_signup", "/accounts/signup/", anonymous_only(200)),
    Rule("account_reauthenticate", "/accounts/reauthenticate/", signed_in(200)),
    Rule("account_email", "/accounts/email/", signed_in(200)),
    Rule("account_email_verification_sent", "/accounts/confirm-email/", everyone(200)),
    Rule("account_change_password", "/accounts/password/change/", signed_in(200)),
    # Everyone here has a password already: allauth sends them to "change password".
    Rule("account_set_password", "/accounts/password/set/", signed_in(302)),
    Rule("account_reset_password", "/accounts/password/reset/", everyone(200)),
    Rule("account_confirm_login_code", "/accounts/login/code/confirm/", everyone(302)),
    Rule("account_confirm_email", "/accounts/confirm-email/not-a-real-key/", everyone(200)),
    Rule("account_reset_password_from_key_done", "/accounts/password/reset/key/done/", everyone(200)),
    Rule("account_reset_password_from_key", "/accounts/password/reset/key/1-not-a-real-key/", everyone(200)),
    Rule("account_reset_password_done", "/accounts/password/reset/done/", everyone(200)),
    # --- MFA -------------------------------------------------------------------------
    Rule("mfa_index", "/accounts/2fa/", signed_in(200)),
    # Only reachable in the middle of a sign-in; otherwise back to the sign-in page.
    Rule("mfa_authenticate", "/accounts/2fa/authenticate/", everyone(302)),
    Rule("mfa_reauthenticate", "/accounts/2fa/reauthenticate/", signed_in(200, resident=302)),
    # Staff have TOTP already (activation is for those without: they are sent to
    # deactivation); residents, signed in minutes ago, may open it.
    Rule("mfa_activate_totp", "/accounts/2fa/totp/activate/", signed_in(302, resident=200)),
    Rule("mfa_deactivate_totp", "/accounts/2fa/totp/deactivate/", signed_in(200, resident=404), audited_404=False),
    # Signed in minutes ago (the test's sign-in): no second password prompt.
    Rule("mfa_view_recovery_codes", "/accounts/2fa/recovery-codes/", signed_in(200, resident=404), audited_404=False),
    Rule("mfa_generate_recovery_codes", "/accounts/2fa/recovery-codes/generate/", signed_in(200)),
    Rule(
        "mfa_download_recovery_codes",
        "/accounts/2fa/recovery-codes/download/",
        signed_in(200, resident=404),
        audited_404=False,
    ),
    # --- accounts and MFA: a row per method (issue #15); forms posted empty ---------
    Rule("account_login", "/accounts/login/", anonymous_only(200), method="POST"),
    Rule("account_logout", "/accounts/logout/", everyone(302), method="POST"),
    Rule("account_signup", "/accounts/signup/", anonymous_only(200), method="POST"),
    Rule("account_reauthenticate", "/accounts/reauthenticate/", signed_in(200), method="POST"),
    Rule("account_email", "/accounts/email/", everyone(302), method="POST"),
    Rule("account_change_password", "/accounts/password/change/", signed_in(200), method="POST"),
    Rule("account_set_password", "/accounts/password/set/", everyone(302), method="POST"),
    Rule("account_reset_password", "/accounts/password/reset/", everyone(200), method="POST"),
    Rule("account_confirm_login_code", "/accounts/login/code/confirm/", everyone(302), method="POST"),
    Rule(
        "account_confirm_email",
        "/accounts/confirm-email/not-a-real-key/",
        everyone(404),
        method="POST",
        audited_404=False,
    ),
    Rule(
        "account_reset_password_from_key",
        "/accounts/password/reset/key/1-not-a-real-key/",
        everyone(200),
        method="POST",
    ),
    Rule("mfa_authenticate", "/accounts/2fa/authenticate/", everyone(302), method="POST"),
    Rule("mfa_reauthenticate", "/accounts/2fa/reauthenticate/", signed_in(200, resident=302), method="POST"),
    # Staff already hold TOTP (sent on); a resident may add it: the form answers (no code given).
    Rule("mfa_activate_totp", "/accounts/2fa/totp/activate/", {**everyone(302), "resident": 200}, method="POST"),
    Rule(
        "mfa_deactivate_totp",
        "/accounts/2fa/totp/deactivate/",
        signed_in(302, resident=404),
        method="POST",
        audited_404=False,
    ),
    Rule(
        "mfa_generate_recovery_codes",
        "/accounts/2fa/recovery-codes/generate/",
        {**everyone(302), "resident": 200},  # staff re-authenticate first; a resident without TOTP sees the form
        method="POST",
    ),
]


def _admin_rule(*args, **kwargs) -> Rule:
    """Django admin's own 404s (a missing object, an unknown page) refuse nothing protected."""
    return Rule(*args, audited_404=False, **kwargs)


def admin_rules() -> list[Rule]:
    """Django admin: only system administrators; everyone else is sent to sign in
    (a signed-in non-administrator is refused at the admin sign-in)."""
    from django.contrib import admin

    admin_only = {**dict.fromkeys(ROLES, 302), "system_admin": 200}
    rules = [
        _admin_rule("admin:index", "/admin/", admin_only),
        # Django admin signs in through allauth (MFA applies): anonymous people are
        # sent there, signed-in non-administrators refused, administrators passed on.
        _admin_rule(
            "admin:login", "/admin/login/", {**dict.fromkeys(SIGNED_IN, 403), "anonymous": 302, "system_admin": 302}
        ),
        _admin_rule(
            "admin:login",
            "/admin/login/",
            # Posted (empty): the admin's own sign-in form answers with its errors.
            {**dict.fromkeys(SIGNED_IN, 403), "anonymous": 302, "system_admin": 200},
            method="POST",
        ),
        _admin_rule("admin:logout", "/admin/logout/", {**admin_only, "system_admin": 200}, method="POST"),
        # The catch-all: an unknown admin path is a 404 for an administrator.
        _admin_rule("admin:<unnamed (?P<url>.*)$>", "/admin/no-such-page/", {**admin_only, "system_admin": 404}),
        _admin_rule("admin:password_change", "/admin/password_change/", admin_only),
        _admin_rule("admin:password_change", "/admin/password_change/", admin_only, method="POST"),
        _admin_rule("admin:password_change_done", "/admin/password_change/done/", admin_only),
        _admin_rule("admin:jsi18n", "/admin/jsi18n/", admin_only),
        _admin_rule("admin:autocomplete", "/admin/autocomplete/", {**admin_only, "system_admin": 403}),
        _admin_rule("admin:view_on_site", "/admin/r/1/1/", {**admin_only, "system_admin": 404}),
    ]
    app_labels = sorted({model._meta.app_label for model in admin.site._registry})
    for label in app_labels:
        rules.append(_admin_rule("admin:app_list", f"/admin/{label}/", admin_only))
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        base = f"/admin/{opts.app_label}/{opts.model_name}/"
        prefix = f"admin:{opts.app_label}_{opts.model_name}"
        can_add = model_admin.has_add_permission(_FakeRequest())
        can_delete = model_admin.has_delete_permission(_FakeRequest())
        can_change = model_admin.has_change_permission(_FakeRequest())
        rules += [
            _admin_rule(f"{prefix}_changelist", base, admin_only),
            _admin_rule(f"{prefix}_add", f"{base}add/", {**admin_only, "system_admin": 200 if can_add else 403}),
            # A missing object: the admin says so and returns to the list.
            _admin_rule(f"{prefix}_change", f"{base}999999999/change/", {**admin_only, "system_admin": 302}),
            _admin_rule(
                f"{prefix}_delete",
                f"{base}999999999/delete/",
                {**admin_only, "system_admin": 302 if can_delete else 403},
            ),
            _admin_rule(f"{prefix}_history", f"{base}999999999/history/", {**admin_only, "system_admin": 302}),
            # The same pages posted empty: the list again, the add form's errors, and
            # a missing object sent back to the list.
            _admin_rule(f"{prefix}_changelist", base, admin_only, method="POST"),
            _admin_rule(
                f"{prefix}_add", f"{base}add/", {**admin_only, "system_admin": 200 if can_add else 403}, method="POST"
            ),
            _admin_rule(
                f"{prefix}_change",
                f"{base}999999999/change/",
                # A read-only admin refuses any post before it looks the object up.
                {**admin_only, "system_admin": 302 if can_change else 403},
                method="POST",
            ),
            _admin_rule(
                f"{prefix}_delete",
                f"{base}999999999/delete/",
                {**admin_only, "system_admin": 302 if can_delete else 403},
                method="POST",
            ),
        ]
        if opts.model_name == "user":
            # Django's UserAdmin names this URL after the auth app whatever the user model.
            for method in ("GET", "POST"):
                rules.append(
                    _admin_rule(
                        "admin:auth_user_password_change",
                        f"{base}999999999/password/",
                        {**admin_only, "system_admin": 404},
                        method=method,
                    )
                )
    # "/admin/<app>/<model>/<id>/" redirects to the change page (one rule stands for all models).
    rules.append(
        _admin_rule("admin:<unnamed <path:object_id>/>", "/admin/accounts/user/1/", {**admin_only, "system_admin": 302})
    )
    return rules


class _FakeRequest:
    """Enough of a request for ``has_add_permission`` of a superuser."""

    class user:
        is_active = True
        is_staff = True
        is_superuser = True

        @staticmethod
        def has_perm(perm: str, obj: object = None) -> bool:
            return True


def all_rules() -> list[Rule]:
    """The rules above plus every ``RULES`` list in ``tests/permission_rules/*.py``
    (one module per area, so each feature adds its own rows)."""
    import importlib
    import pkgutil

    from tests import permission_rules

    rules = RULES + admin_rules()
    for module_info in sorted(pkgutil.iter_modules(permission_rules.__path__), key=lambda m: m.name):
        module = importlib.import_module(f"tests.permission_rules.{module_info.name}")
        rules += list(getattr(module, "RULES", []))
    return rules
