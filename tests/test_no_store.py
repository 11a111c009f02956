"""Every response carrying resident data is ``Cache-Control: no-store`` (issue #13
item 11): record, referral pages, My Plan and its PDF, consent screens, exports.
Walked over the permission table's resident-data URLs as every role they answer."""

from __future__ import annotations

from urllib.parse import urlencode

import pytest
from django.db import transaction

from tests.permission_table import PERSONA_FOR_ROLE, all_rules
from wayfinder.accounts.middleware import RESIDENT_DATA_NAMESPACES

pytestmark = pytest.mark.django_db

RESIDENT_DATA_RULES = [
    rule
    for rule in all_rules()
    if rule.url_name.split(":")[0] in RESIDENT_DATA_NAMESPACES
    and any(200 <= status < 300 for status in rule.expect.values())
]


def assert_not_stored(response, what: str) -> None:
    cache_control = response.get("Cache-Control", "")
    assert "no-store" in cache_control and "private" in cache_control, f"{what}: Cache-Control {cache_control!r}"
    assert "max-age=0" in cache_control and "public" not in cache_control, what


def test_the_walk_covers_the_pages_named_in_the_issue():
    names = {rule.url_name for rule in RESIDENT_DATA_RULES}
    assert {"residents:detail", "referrals:inbox", "my_plan:home", "my_plan:print", "consent:request"} <= names
    assert "residents:access_log_export" in names


@pytest.mark.parametrize("rule", RESIDENT_DATA_RULES, ids=lambda rule: f"{rule.method} {rule.path}")
def test_resident_data_is_never_stored(rule, client, personas):
    if rule.prepare is not None:
        rule.prepare(personas)
    for role, status in rule.expect.items():
        if not 200 <= status < 300:
            continue
        # Each role in a savepoint rolled back (as the permission walk does): a POST that changes
        # state (closing a referral by its link) must not change what the next role meets.
        with transaction.atomic():
            if role != "anonymous":
                client.force_login(personas[PERSONA_FOR_ROLE[role]])
            else:
                client.logout()
            response = client.generic(
                rule.method,
                rule.path,
                data=urlencode(rule.data or {}),
                content_type="application/x-www-form-urlencoded",
            )
            transaction.set_rollback(True)
        assert response.status_code == status, f"{role} {rule.method} {rule.path}"
        assert_not_stored(response, f"{role} {rule.method} {rule.path}")


def test_a_consent_link_opened_without_an_account_is_not_stored(
    client, personas, mailoutbox, django_capture_on_commit_callbacks
):
    import re

    from wayfinder.consent.tests.conftest import consent_request_data
    from wayfinder.demo.residents import AMY_RESIDENT_ID
    from wayfinder.residents.models import Resident

    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    client.force_login(personas["family_center_staff"])
    with django_capture_on_commit_callbacks(execute=True):
        client.post(f"/consent/request/{amy.pk}/", consent_request_data(amy, "email"))
    link = re.search(r"https?://\S+/consent/r/\S+/", mailoutbox[-1].body).group(0)
    client.logout()
    assert_not_stored(client.get(link), "consent link")


def test_public_directory_pages_stay_cacheable(client):
    response = client.get("/")
    assert "no-store" not in response.get("Cache-Control", "")
    assert "no-store" not in client.get("/favicon.ico").get("Cache-Control", "")
