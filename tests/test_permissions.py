"""The permission table: every URL pattern and every HTTP method its view accepts,
every role, the expected status, and the audit entry each read of resident data and
each refusal must leave (issue #13 item 5, issue #15 item 5)."""

from __future__ import annotations

import pytest
from django.core.cache import cache
from django.db import transaction
from django.urls import URLPattern, URLResolver, get_resolver
from django.views.generic.edit import ProcessFormView

from tests.permission_table import PERSONA_FOR_ROLE, ROLES, all_rules

RULES = all_rules()
HTTP_METHODS = {"GET", "POST", "PUT", "PATCH", "DELETE"}
# Function views of other packages that declare no methods, by what they do.
THIRD_PARTY_METHODS = {
    "set_language": {"POST"},  # a GET only redirects
    "account_email_verification_sent": {"GET"},
    "api:openapi-json": {"GET"},
    "api:api-root": {"GET"},
    # allauth's OpenID Connect provider: the sign-in button POSTs (a GET only shows a confirm
    # page), the provider redirects back with a GET (or a form_post POST, which we do not ask for).
    "openid_connect_login": {"GET", "POST"},
    "openid_connect_callback": {"GET"},
}
# Django admin views, by the end of their URL name.
ADMIN_FORM_VIEWS = ("_changelist", "_add", "_change", "_delete", "password_change", "_password_change")


def url_patterns(patterns=None, namespace: str | None = None):
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            yield from url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            yield (f"{namespace}:{name}" if namespace else name), pattern.callback


def named_url_patterns() -> set[str]:
    return {name for name, _callback in url_patterns()}


def declared_methods(view) -> set[str] | None:
    """The methods a ``require_http_methods`` (``require_POST``, ``require_safe``...)
    decorator anywhere in the view's wrappers lets through; None when there is none."""
    for _depth in range(20):
        for cell in getattr(view, "__closure__", None) or ():
            try:
                value = cell.cell_contents
            except ValueError:
                continue
            if isinstance(value, list | tuple | set) and value and all(v in HTTP_METHODS | {"HEAD"} for v in value):
                return set(value) - {"HEAD"}
        view = getattr(view, "__wrapped__", None)
        if view is None:
            return None
    return None


def accepted_methods(name: str, view) -> set[str] | None:
    """What the view at ``name`` answers to (None: cannot tell)."""
    if name.startswith("admin:"):
        if name == "admin:logout":
            return {"POST"}
        return {"GET", "POST"} if name.endswith(ADMIN_FORM_VIEWS) or name == "admin:login" else {"GET"}
    view_class = getattr(view, "view_class", None)
    if view_class is not None:
        methods = {m.upper() for m in view_class.http_method_names if hasattr(view_class, m)} & HTTP_METHODS
        if getattr(view_class, "put", None) is ProcessFormView.put:
            methods.discard("PUT")  # Django's form views answer PUT as POST: the POST row covers it
        return methods
    if name.startswith("api:"):
        return THIRD_PARTY_METHODS.get(name, {"GET"})  # the HSDS API is read-only (Django Ninja GET operations)
    declared = declared_methods(view)
    if declared is not None:
        return declared
    return THIRD_PARTY_METHODS.get(name)


def test_every_view_of_ours_declares_the_methods_it_accepts():
    undeclared = sorted(
        name
        for name, view in url_patterns()
        if getattr(view, "__module__", "").startswith("wayfinder.")
        and not name.startswith("admin:")
        and not hasattr(view, "view_class")
        and declared_methods(view) is None
    )
    assert not undeclared, f"views without require_http_methods / require_safe / require_POST: {undeclared}"


def test_every_url_pattern_and_method_has_a_rule():
    covered = {(rule.url_name, rule.method) for rule in RULES}
    missing, unknown = [], []
    for name, view in url_patterns():
        methods = accepted_methods(name, view)
        if methods is None:
            unknown.append(name)
            continue
        missing += [f"{method} {name}" for method in sorted(methods) if (name, method) not in covered]
    assert not unknown, f"views whose methods cannot be told (add them to THIRD_PARTY_METHODS): {unknown}"
    assert not missing, f"URL patterns and methods without a permission rule in tests/permission_rules/: {missing}"


def test_every_rule_names_a_real_url_pattern():
    unknown = sorted({rule.url_name for rule in RULES} - named_url_patterns())
    assert not unknown, f"rules for URL patterns that no longer exist: {unknown}"


# --- the walk: every rule as every role -------------------------------------------------

READ_ACTIONS = {
    "resident.viewed",
    "resident.searched",
    "resident.access_log_exported",
    "referral.viewed",
    "referral.listed",
    "assessment.viewed",
    "assessment.printed",
}


@pytest.mark.django_db
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.method} {rule.path}")
def test_permission(rule, client, personas):
    """One test per rule; each role's request runs in a savepoint that is rolled back,
    so the roles cannot see each other's writes (and the table needs one setup per
    rule, not one per role)."""
    from wayfinder.audit.models import AuditEvent

    if rule.prepare is not None:
        rule.prepare(personas)
    failures = []
    for role in ROLES:
        cache.clear()  # throttling counters
        with transaction.atomic():
            client.logout()
            if role != "anonymous":
                client.force_login(personas[PERSONA_FOR_ROLE[role]])
            last = AuditEvent.objects.order_by("-seq").values_list("seq", flat=True).first() or 0
            response = client.generic(
                rule.method, rule.path, data=_encode(rule.data), content_type="application/x-www-form-urlencoded"
            )
            status, expected = response.status_code, rule.expect[role]
            if status != expected:
                failures.append(
                    f"{role}: got {status}, expected {expected} (Location: {response.get('Location', '-')})"
                )
            elif role != "anonymous":
                entries = list(AuditEvent.objects.filter(seq__gt=last).values_list("action", "outcome"))
                failures += _audit_failures(rule, role, status, entries)
            transaction.set_rollback(True)
    assert not failures, f"{rule.method} {rule.path}:\n  " + "\n  ".join(failures)


def _audit_failures(rule, role: str, status: int, entries: list[tuple[str, str]]) -> list[str]:
    denied = [action for action, outcome in entries if outcome == "denied"]
    if status == 403 or (status == 404 and rule.audited_404):
        return [] if "access.denied" in denied else [f"{role}: {status} without an access.denied audit entry"]
    if status == 200 and rule.reads_resident and not any(action in READ_ACTIONS for action, _outcome in entries):
        return [f"{role}: read resident data without an audit entry (got {entries})"]
    return []


def _encode(data: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)
