"""The demo's onboarded partners are found near their own ZIP code and in their own
categories on a fresh demo (issue 14, item 2: the food bank never appeared for "food
pantry" near 40507, in 26 pages, nor under Food pantries)."""

from __future__ import annotations

import pytest

from wayfinder.demo.referrals import ensure_demo_services
from wayfinder.directory.search import SearchParams, rebuild, search
from wayfinder.lib import geo

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo_index(personas, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    ensure_demo_services()
    ensure_demo_services()  # a second load changes nothing
    rebuild(threads=1, workers=1)


def _first_page(**params) -> dict[str, dict]:
    return {hit.display["name"]: hit.display for hit in search(SearchParams(**params)).hits}


def test_the_demo_food_bank_is_found_by_need_category_and_distance(demo_index):
    near = geo.zip_centroid("40507")
    for params in (
        {"text": "food pantry", "point": near},
        {"categories": ["food-pantries"], "point": near},
        {"categories": ["food"], "point": near, "radius_km": 8},
        {"situation": "food-today", "point": near},
    ):
        found = _first_page(**params)
        assert "Weekly food pantry" in found, params
        assert found["Weekly food pantry"]["partner"] is True
    assert "SNAP application help" in _first_page(text="food stamps", point=near)
    assert "Free infant formula and diapers" in _first_page(text="baby formula", point=near)


def test_the_demo_partners_services_share_their_site(demo_index):
    from wayfinder.directory.models import Service

    pantry = Service.objects.get(name="Weekly food pantry")
    snap = Service.objects.get(name="SNAP application help")
    site = pantry.service_at_locations.get().location
    assert snap.service_at_locations.get().location == site
    assert (site.latitude, site.longitude) == geo.zip_centroid("40505")
    assert pantry.categories == ["food", "food-pantries"]
