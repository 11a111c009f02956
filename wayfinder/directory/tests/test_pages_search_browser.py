# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Search through the public pages in a real browser (issue 14, item 6): what a resident
types in the home page's box, what the results page then shows."""

from __future__ import annotations

import re

import pytest

from .pantries_fixture import build_pantries
from .search_fixtures import live_directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.browser


@pytest.fixture
def live_pantries(transactional_db, settings, tmp_path):
    """The pantries near 40507 the newcomer saw out of order and three times over, committed
    for the live server and indexed into this test's own folder."""
    settings.SEARCH_INDEX_DIR = tmp_path / "index"
    build_pantries()


def _search_from_home(page, base: str, what: str, where: str = "") -> None:
    page.goto(f"{base}/")
    page.get_by_label("What do you need?").fill(what)
    page.get_by_label("Where? (ZIP code or city)").fill(where)
    page.get_by_role("button", name="Search", exact=True).click()
    page.wait_for_url("**/search/**")


def _text(locator) -> str:
    return locator.first.inner_text() if locator.count() else ""


def _rows(page) -> list[dict]:
    page.locator("main h1").wait_for()
    rows = []
    for result in page.locator("li.result").all():
        miles = _text(result.locator(".result-meta span", has_text="mi away"))
        rows.append(
            {
                "name": _text(result.locator(".result-name a")),
                "organization": _text(result.locator(".result-org")),
                "address": _text(result.locator("p.muted")),
                "phone": _text(result.locator("a[href^='tel:']")),
                "miles": float(miles.split()[0]) if miles else None,
            }
        )
    return rows


def test_equally_good_answers_near_a_zip_are_nearest_first_and_each_listed_once(live_server, live_pantries, page):
    _search_from_home(page, live_server.url, "food pantry", "40507")
    rows = _rows(page)
    pantries = [row for row in rows if row["name"] == "Food Pantry"]
    assert len(pantries) == 7, rows  # seven places; the feed lists some of them two or three times
    assert [row["miles"] for row in pantries] == sorted(row["miles"] for row in pantries), rows
    assert rows[: len(pantries)] == pantries  # every pantry before the kitchen that only mentions one
    listings = [(row["organization"], row["address"]) for row in pantries]
    assert len(set(listings)) == len(listings), listings
    # The first organization's pantry, listed three times with phones (859) 555-0000/01/02: one row.
    assert page.get_by_role("link", name=re.compile(r"^\(859\) 555-00")).count() == 1


# What residents type → what the provider wrote (the fixture's WIC programme says "infant
# formula", the utility programme "electric and heating bills" and so on).
EVERYDAY = [
    ("baby formula", "WIC Nutrition Program"),
    ("food stamps", "SNAP Application Help"),
    ("rent help", "Emergency Rental Assistance"),
    ("lights", "Utility Bill Assistance (LIHEAP)"),
    ("daycare", "Child Care Assistance Program"),
    ("shots", "Immunization Clinic"),
    ("dentist", "Free Dental Clinic"),
    ("lawyer", "Eviction Defense Clinic"),
]


def test_everyday_words_typed_in_the_box_find_what_providers_write(live_server, live_directory, page):
    for what, expected in EVERYDAY:
        _search_from_home(page, live_server.url, what)
        names = [row["name"] for row in _rows(page)]
        assert expected in names[:2], (what, names[:5])
    _search_from_home(page, live_server.url, "baby formula", "40507")
    wic = page.locator("li.result").filter(has=page.get_by_role("link", name="WIC Nutrition Program"))
    assert wic.count() == 1 and "mi away" in wic.inner_text()
    assert page.locator("li.result").nth(1).inner_text() == wic.inner_text()  # after "Baby Formula Closet"
