"""The permission table: every URL pattern, every role, the expected status."""

from __future__ import annotations

import pytest
from django.urls import URLPattern, URLResolver, get_resolver

from tests.permission_table import PERSONA_FOR_ROLE, ROLES, all_rules

RULES = all_rules()


def named_url_patterns(patterns=None, namespace: str | None = None) -> set[str]:
    names: set[str] = set()
    for pattern in patterns if patterns is not None else get_resolver().url_patterns:
        if isinstance(pattern, URLResolver):
            inner = namespace
            if pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}" if namespace else pattern.namespace
            names |= named_url_patterns(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern):
            name = pattern.name or f"<unnamed {pattern.pattern}>"
            names.add(f"{namespace}:{name}" if namespace else name)
    return names


def test_every_url_pattern_has_a_rule():
    covered = {rule.url_name for rule in RULES}
    missing = sorted(named_url_patterns() - covered)
    assert not missing, f"URL patterns without a permission rule in tests/permission_table.py: {missing}"


def test_every_rule_names_a_real_url_pattern():
    unknown = sorted({rule.url_name for rule in RULES} - named_url_patterns())
    assert not unknown, f"rules for URL patterns that no longer exist: {unknown}"


@pytest.fixture
def client_for(client, personas):
    def sign_in(role: str):
        if role != "anonymous":
            client.force_login(personas[PERSONA_FOR_ROLE[role]])
        return client

    return sign_in


@pytest.mark.django_db
@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("rule", RULES, ids=lambda rule: f"{rule.method} {rule.path}")
def test_permission(rule, role, client_for, personas):
    if rule.prepare is not None:
        rule.prepare(personas)
    client = client_for(role)
    response = client.generic(rule.method, rule.path, data=_encode(rule.data), content_type=_content_type(rule))
    assert response.status_code == rule.expect[role], (
        f"{role} {rule.method} {rule.path}: got {response.status_code}, expected {rule.expect[role]}"
        f" (Location: {response.get('Location', '-')})"
    )


def _encode(data: dict[str, str]) -> str:
    from urllib.parse import urlencode

    return urlencode(data)


def _content_type(rule) -> str:
    return "application/x-www-form-urlencoded"
