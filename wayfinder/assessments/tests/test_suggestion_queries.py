# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Suggested resources cost a fixed, small number of queries whatever the number of
needs (docs/performance.md, "Suggested resources"): on PostgreSQL each query is a
round trip, and the page is opened by every signed-in resident and on every record."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from wayfinder.assessments import needs
from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.directory.tests.search_fixtures import directory, own_index, search_index_dir  # noqa: F401
from wayfinder.residents.models import HouseholdMember

from .conftest import AMY

pytestmark = pytest.mark.django_db

DOMAINS = ["food", "housing", "utilities", "transportation"]
# Counted on a session's second page, as a browser's. On PostgreSQL "Resources suggested
# for me" took 14 before (two role look-ups, needs and then their sources, cases and
# members apart, five round trips for the audit entry); the record page 29 (the same,
# and three for the questionnaires offered). SQLite's counts include the audit entry's
# SAVEPOINT and RELEASE (the tests run inside a transaction).
SUGGESTED_QUERIES = {"postgresql": 8, "sqlite": 10}
RECORD_QUERIES = {"postgresql": 23, "sqlite": 25}


def open_needs(resident, count: int) -> None:
    for domain in DOMAINS[:count]:
        needs.record_need(resident, kind="staff", observed_at=timezone.now(), domain=domain)


def queries_of(client, url: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response.content.decode()


@pytest.fixture
def household(amy):
    HouseholdMember.objects.create(
        resident=amy, member_key="kid", first_name="Kid", last_name="Test",
        date_of_birth=dt.date.today() - dt.timedelta(days=365 * 2),
    )  # fmt: skip


def test_resources_suggested_for_me_in_a_fixed_number_of_queries(client, personas, amy, household, directory):
    open_needs(amy, 1)
    client.force_login(personas["resident"])
    client.get("/assessments/suggested-for-me/")  # the session's first page does its one-off checks
    one_need, _page = queries_of(client, "/assessments/suggested-for-me/")
    open_needs(amy, 4)
    logged = AuditEvent.objects.filter(action=names.NEEDS_SUGGESTIONS_VIEWED).count()
    four_needs, page = queries_of(client, "/assessments/suggested-for-me/")
    assert four_needs == one_need <= SUGGESTED_QUERIES[connection.vendor]
    assert page.count('class="suggestion-list"') == 4
    assert "Already enrolled in SNAP" in page and "WIC" in page  # the household was read
    assert AuditEvent.objects.filter(action=names.NEEDS_SUGGESTIONS_VIEWED).count() == logged + 1


def test_the_record_shows_suggestions_in_a_fixed_number_of_queries(client, personas, amy, household, directory):
    open_needs(amy, 1)
    client.force_login(personas["food_bank_staff"])
    client.get(f"/clients/{AMY}/")
    one_need, _page = queries_of(client, f"/clients/{AMY}/")
    open_needs(amy, 4)
    four_needs, page = queries_of(client, f"/clients/{AMY}/")
    assert four_needs == one_need <= RECORD_QUERIES[connection.vendor]
    assert "Suggested resources" in page and page.count('class="suggestion-list"') == 4
