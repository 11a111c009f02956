"""Finding an organization to claim: partial names, initialisms, cities, paging, claimed ones."""

import pytest

from wayfinder.partners.selectors import initialism_regex, search_organizations

from .helpers import make_organization

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory(personas):
    return {
        "chfs": make_organization("Cabinet for Health and Family Services", city="Frankfort"),
        "pantry": make_organization("Northside Community Pantry", city="Lexington"),
        "kchfs": make_organization("Kentucky Cabinet for Health and Family Services Office", city="Hazard"),
        "other": make_organization("Church Hill Food Shelf", city="Paducah"),
    }


def names(query):
    return [org.name for org in search_organizations(query)]


def test_it_finds_partial_names_case_insensitively(directory):
    assert names("community pant") == ["Northside Community Pantry"]


def test_it_matches_initialisms_skipping_small_words(directory):
    found = names("CHFS")
    assert "Cabinet for Health and Family Services" in found
    assert "Kentucky Cabinet for Health and Family Services Office" in found
    # "Church Hill Food Shelf" spells C-H-F-S too: initialisms are a broad net, by design.
    assert "Northside Community Pantry" not in found


def test_it_finds_organizations_by_city(directory):
    assert names("frankfort") == ["Cabinet for Health and Family Services"]


def test_it_does_not_treat_long_or_spaced_queries_as_initialisms():
    assert initialism_regex("food bank") is None
    assert initialism_regex("abcdefghij") is None
    assert initialism_regex("CHFS") is not None


def test_the_page_shows_claimed_organizations_disabled_with_the_contact_address(client, directory, personas):
    response = client.get("/partners/join/search/", {"q": "Bluegrass Community Food Bank"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "Already claimed" in html
    assert "disabled" in html
    assert "mailto:" in html


def test_load_more_is_a_plain_link_that_shows_more_rows(client, personas):
    for number in range(25):
        make_organization(f"Riverside Helpers {number:02d}")
    first = client.get("/partners/join/search/", {"q": "Riverside"}).content.decode()
    assert first.count('class="card" id="org-') == 20
    assert "shown=40#org-21" in first
    more = client.get("/partners/join/search/", {"q": "Riverside", "shown": "40"}).content.decode()
    assert more.count('class="card" id="org-') == 25
    assert "Load more" not in more


def test_an_empty_search_offers_the_cant_find_route(client, db):
    html = client.get("/partners/join/search/", {"q": "zzzz nothing"}).content.decode()
    assert "I can&#x27;t find my organization" in html or "I can't find my organization" in html


def test_the_result_page_does_not_query_per_row(client, personas, django_assert_max_num_queries):
    for number in range(30):
        make_organization(f"Riverside Helpers {number:02d}")
    with django_assert_max_num_queries(8):
        response = client.get("/partners/join/search/", {"q": "Riverside", "shown": "40"})
    assert response.content.decode().count('class="card" id="org-') == 30
