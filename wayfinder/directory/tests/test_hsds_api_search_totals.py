"""``search`` on the HSDS API counts every match, past the 1,000 the public pages rank (issue #16)."""

from __future__ import annotations

import pytest
from django.test import override_settings

from wayfinder.directory.models import Service, ServiceStatus
from wayfinder.integrations.two11.tables import ORDER, TABLES

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def big_directory(django_db_setup, django_db_blocker, tmp_path_factory):
    """2,000 generated services, imported and indexed once for the module, removed afterwards."""
    from wayfinder.directory.search import rebuild
    from wayfinder.integrations.two11.generator import generate
    from wayfinder.integrations.two11.importer import import_feed

    root = tmp_path_factory.mktemp("big")
    generate(root / "feed", 2000, 5)
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=root / "index"):
        assert import_feed(root / "feed", root / "report.csv").errors == 0
        rebuild(threads=1)
        yield root / "index"
        for table in reversed(ORDER):
            TABLES[table].model.objects.exclude(feed_hash="").delete()


def test_total_items_counts_every_match_beyond_a_thousand(client, big_directory, settings):
    from django.db.models import Q

    settings.SEARCH_INDEX_DIR = big_directory
    text = Q(description__icontains="county") | Q(eligibility_description__icontains="county")
    text |= Q(organization__name__icontains="county") | Q(name__icontains="county")
    expected = set(
        Service.objects.exclude(feed_hash="").filter(text, status=ServiceStatus.ACTIVE).values_list("id", flat=True)
    )
    assert len(expected) > 1000
    body = client.get("/api/hsds/services?search=county&per_page=200").json()
    assert body["total_items"] == len(expected) and "search_limit" not in body
    seen = []
    for page in range(1, body["total_pages"] + 1):
        seen += [
            s["id"] for s in client.get(f"/api/hsds/services?search=county&per_page=200&page={page}").json()["contents"]
        ]
    assert len(seen) == len(set(seen)) == body["total_items"]
    assert set(seen) == {str(i) for i in expected}


def test_a_search_past_the_limit_says_so(client, big_directory, settings, monkeypatch):
    from wayfinder.directory.hsds import queries

    settings.SEARCH_INDEX_DIR = big_directory
    monkeypatch.setattr(queries, "SEARCH_LIMIT", 500)
    body = client.get("/api/hsds/services?search=county&per_page=10").json()
    assert body["search_limit"] == 500 and body["total_items"] <= 500
