# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Distance ordering, filters, paging and the search index's edge cases."""

from __future__ import annotations

import datetime as dt
from zoneinfo import ZoneInfo

from wayfinder.directory.search import SearchParams, search
from wayfinder.lib import geo

from .search_fixtures import indexed, search_index_dir  # noqa: F401

EASTERN = ZoneInfo("America/New_York")
MONDAY_10AM = dt.datetime(2026, 11, 23, 10, 0, tzinfo=EASTERN)
SUNDAY_3AM = dt.datetime(2026, 11, 29, 3, 0, tzinfo=EASTERN)
PANTRIES = ["food-pantries"]


def names(page) -> list[str]:
    return [hit.display["name"] for hit in page.hits]


def test_category_near_a_zip_comes_nearest_first(indexed):
    for zip_code, first in (
        ("42001", "Paducah Food Pantry"),
        ("41501", "Pikeville Food Pantry"),
        ("40202", "Louisville Food Pantry"),
        ("40507", "Community Food Pantry"),
    ):
        page = search(SearchParams(categories=PANTRIES, point=geo.zip_centroid(zip_code)))
        assert names(page)[0] == first
        distances = [hit.distance_km for hit in page.hits]
        assert distances == sorted(distances)


def test_keyword_near_a_place_prefers_the_nearer_equal_match(indexed):
    assert names(search(SearchParams(text="food pantry", point=geo.zip_centroid("42001"))))[0] == "Paducah Food Pantry"
    pikeville = search(SearchParams(text="food pantry", point=geo.zip_centroid("41501")))
    assert names(pikeville)[0] == "Pikeville Food Pantry"


def test_city_and_browser_position_work_like_a_zip(indexed):
    by_city = search(SearchParams(categories=PANTRIES, point=geo.city_centroid("Paducah", "KY")))
    by_position = search(SearchParams(categories=PANTRIES, point=(37.08, -88.60)))
    assert names(by_city)[0] == names(by_position)[0] == "Paducah Food Pantry"


def test_distance_filter_keeps_only_services_inside_the_radius(indexed):
    page = search(SearchParams(categories=["food"], point=geo.zip_centroid("40507"), radius_km=16))
    assert names(page) and all(hit.distance_km <= 16 for hit in page.hits)
    assert "Louisville Food Pantry" not in names(page)
    keyword = search(SearchParams(text="pantry", point=geo.zip_centroid("40507"), radius_km=16))
    assert names(keyword) == ["Community Food Pantry"]


def test_open_now_uses_the_hours(indexed):
    monday = names(search(SearchParams(categories=["food"], open_now=True, now=MONDAY_10AM)))
    assert "Community Food Pantry" in monday and "Louisville Food Pantry" in monday
    assert "Hot Meals Kitchen" not in monday  # opens at 11
    sunday = names(search(SearchParams(text="shelter", open_now=True, now=SUNDAY_3AM)))
    assert "Emergency Homeless Shelter" in sunday and "Domestic Violence Shelter" in sunday
    assert "Community Food Pantry" not in names(search(SearchParams(text="pantry", open_now=True, now=SUNDAY_3AM)))


def test_open_now_is_reported_on_each_hit(indexed):
    hits = {h.display["name"]: h for h in search(SearchParams(categories=["food"], now=MONDAY_10AM)).hits}
    assert hits["Community Food Pantry"].open_now is True
    assert hits["Hot Meals Kitchen"].open_now is False
    assert hits["SNAP Application Help"].open_now is None  # hours unknown


def test_language_filter(indexed):
    spanish = names(search(SearchParams(languages=["es"], size=50)))
    assert set(spanish) == {"Community Food Pantry", "Community Health Clinic", "English Classes for Adults"}
    assert names(search(SearchParams(text="english", languages=["ar"]))) == ["English Classes for Adults"]


def test_free_filter(indexed):
    free = names(search(SearchParams(categories=["goods"], free=True)))
    assert "Clothing Closet" in free and "Furniture Bank" not in free


def test_age_filter(indexed):
    seventy = names(search(SearchParams(categories=["social-connection", "education", "child-care"], age=70, size=50)))
    assert "Senior Center" in seventy and "After-School Club" not in seventy
    ten = names(search(SearchParams(categories=["social-connection", "child-care"], age=10, size=50)))
    assert "After-School Club" in ten and "Senior Center" not in ten


def test_situation_tiles_search_their_categories(indexed):
    lost_job = names(search(SearchParams(situation="lost-job", size=50)))
    assert {"Workforce Training Program", "Job Search Help", "Emergency Rental Assistance"} <= set(lost_job)
    assert "Free Dental Clinic" not in lost_job


def test_subcategory_and_view_all(indexed):
    assert set(names(search(SearchParams(categories=["meals"])))) == {"Hot Meals Kitchen"}
    view_all = set(names(search(SearchParams(categories=["food"], size=50))))
    assert {"Hot Meals Kitchen", "Community Food Pantry", "SNAP Application Help"} <= view_all


def test_paging_fetches_one_more_than_the_page(indexed):
    first = search(SearchParams(categories=["food"], point=geo.zip_centroid("40507"), size=3))
    second = search(SearchParams(categories=["food"], point=geo.zip_centroid("40507"), size=3, page=2))
    assert first.has_next and len(first.hits) == 3
    assert not set(names(first)) & set(names(second))
    everything = search(SearchParams(categories=["food"], point=geo.zip_centroid("40507"), size=50))
    assert names(everything)[:6] == names(first) + names(second)
    assert not everything.has_next


def test_services_without_an_address_are_still_found(indexed):
    page = search(SearchParams(text="crisis line", point=geo.zip_centroid("40507")))
    assert "988 Crisis Line" in names(page)
    hit = next(h for h in page.hits if h.display["name"] == "988 Crisis Line")
    assert hit.distance_km is None


def test_no_index_yet_is_reported_not_raised(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "nothing"
    page = search(SearchParams(text="food"))
    assert page.index_missing and page.hits == []
