"""Results near a place: equally good answers nearest first, and a listing the 2-1-1 feed
repeats (same service, organization and address, another phone) shown once (issue 14).

The directory here is built per test and indexed into the test's own folder: it copies
the shape of the generated Kentucky directory that showed both problems (one "Food
Pantry" service name, organizations whose own names do or do not say "Food Pantry", and
an organization listing its pantry three times).
"""

from __future__ import annotations

import re

import pytest

from wayfinder.directory.search import SearchParams, search

from .pantries_fixture import LEXINGTON, build_pantries


@pytest.fixture
def pantries(db, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    build_pantries()


def _km(hits) -> list[float]:
    return [round(h.distance_km, 1) for h in hits]


def test_equally_good_answers_are_nearest_first(pantries):
    hits = search(SearchParams(text="food pantry", point=LEXINGTON)).hits
    pantries_found = [h for h in hits if h.display["name"] == "Food Pantry"]
    assert _km(pantries_found) == sorted(_km(pantries_found)), _km(pantries_found)
    assert [h.display["name"] for h in hits[: len(pantries_found)]] == ["Food Pantry"] * len(pantries_found)
    assert hits[-1].display["name"] == "Hot Meals"  # names what was asked for: after every pantry


def test_a_repeated_listing_shows_once(pantries):
    for params in (
        SearchParams(text="food pantry", point=LEXINGTON),
        SearchParams(text="food pantry"),
        SearchParams(categories=["food-pantries"], point=LEXINGTON),
        SearchParams(categories=["food-pantries"]),
    ):
        hits = [h for h in search(params).hits if h.display["name"] == "Food Pantry"]
        listings = [(h.display["organization_name"], h.display["address"]) for h in hits]
        assert len(listings) == len(set(listings)) == 7, params
        assert len({h.display["phone"] for h in hits}) == 7


def test_paging_counts_each_listing_once(pantries):
    first = search(SearchParams(text="food pantry", point=LEXINGTON, size=4))
    second = search(SearchParams(text="food pantry", point=LEXINGTON, size=4, page=2))
    assert first.has_next and not second.has_next
    keys = [(h.display["organization_name"], h.display["address"]) for h in first.hits + second.hits]
    assert len(keys) == len(set(keys)) == 8  # 7 pantries and the kitchen
    assert _km(first.hits) + _km(second.hits[:3]) == sorted(_km(first.hits) + _km(second.hits[:3]))


def test_the_results_page_shows_distances_in_order(pantries, client):
    html = client.get("/search/", {"q": "food pantry", "where": "40507"}).content.decode()
    miles = [float(m) for m in re.findall(r"([\d.]+) mi away", html)]
    assert len(miles) == 8
    assert miles[:7] == sorted(miles[:7]), miles
    assert len(re.findall(r'href="tel:[^"]+">\(859\) 555-00', html)) == 1  # the first pantry's three listings: one row
