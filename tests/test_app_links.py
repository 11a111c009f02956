"""The links between apps are explicit and checked at start-up (docs/architecture.md).

Every provider that carries a product rule is listed below; taking any one of them
out of its extension point must fail the system check (``manage.py check``, which
``runserver``, ``migrate`` and gunicorn's entry point run too), never leave the
rule quietly missing. The behaviour each provider carries is tested through pages
in the providing app (e.g. ``referrals/tests/test_referral_links.py``).
"""

from __future__ import annotations

import pathlib
import re

import pytest
from django.core import checks
from django.core.exceptions import ImproperlyConfigured
from django.core.management import call_command
from django.core.management.base import SystemCheckError

from wayfinder.lib.extension_points import CHECK_TAG, ExtensionPoint, extension_points, verify

# (extension point, provider key): the rules no refactoring may lose.
REQUIRED = {
    ("accounts.next_required_step", "partners"),
    ("audit.actor_role", "accounts"),
    ("consent.limited_access_links", "referrals"),
    ("directory.paired_history", "referrals"),
    ("residents.my_plan_sections", "referrals"),
    ("residents.name_changed", "referrals"),
    ("residents.record_sections", "referrals"),
    ("scheduling.recurring_jobs", "metrics"),
}


def required_pairs() -> list[tuple[ExtensionPoint, str]]:
    return [(point, key) for point in extension_points() for key in sorted(point.required)]


def test_every_required_provider_is_registered():
    call_command("check", tags=[CHECK_TAG])  # raises SystemCheckError otherwise
    assert not checks.run_checks(tags=[CHECK_TAG])


def test_the_required_providers_are_the_rules_we_know():
    """Dropping a ``required=`` entry would silence the check: the list is pinned here."""
    assert {(point.name, key) for point, key in required_pairs()} == REQUIRED


@pytest.mark.parametrize("point,key", required_pairs(), ids=lambda v: getattr(v, "name", v))
def test_removing_a_provider_fails_the_start_up_check(point, key):
    with point.without(key):
        errors = checks.run_checks(tags=[CHECK_TAG])
        assert [e.id for e in errors] == ["wayfinder.E001"]
        assert key in errors[0].msg and point.name in errors[0].msg
        with pytest.raises(SystemCheckError, match=re.escape(point.name)):
            call_command("check")
        with pytest.raises(ImproperlyConfigured):
            verify()
    assert not checks.run_checks(tags=[CHECK_TAG])


def test_a_provider_cannot_be_registered_twice_under_one_name():
    point = next(p for p in extension_points() if p.name == "consent.limited_access_links")
    with pytest.raises(ImproperlyConfigured):
        point.register("referrals", lambda organization, resident: True)


def test_no_app_finds_another_by_a_module_name_in_a_string():
    """importlib / import_string between our apps is how rules got lost (issue #15)."""
    root = pathlib.Path(__file__).resolve().parent.parent / "wayfinder"
    pattern = re.compile(r"import_module\(|import_string\(|__import__\(|find_spec\(")
    offenders = [
        str(path.relative_to(root))
        for path in root.rglob("*.py")
        if "/tests/" not in str(path) and "/migrations/" not in str(path) and pattern.search(path.read_text())
    ]
    allowed = {
        # A deployment setting naming a backend class, the way Django's EMAIL_BACKEND works.
        "notifications/sms.py",
    }
    assert set(offenders) <= allowed, offenders
