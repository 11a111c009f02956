# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Public pages: home, categories, results, service page, report a problem (no sign-in)."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from wayfinder.directory.models import ProblemReport

from .directory_fixture import sid
from .search_fixtures import directory, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def text_of(response) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode()))


def test_home_has_one_search_box_categories_and_situations(client):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count('name="q"') == 1 and 'name="where"' in html
    assert 'formaction="/categories/food/"' in html and "I lost my job" in html
    assert 'name="situation" value="lost-job"' in html
    assert "<label" in html and 'for="id_q"' in html and 'for="id_where"' in html


def test_category_page_offers_subcategories_and_view_all(client):
    html = client.get("/categories/food/").content.decode()
    assert "View all: Food" in html and "/search/?category=food" in html
    assert "/search/?category=food-pantries" in html and "Food pantries" in html
    assert client.get("/categories/nope/").status_code == 404


def test_results_show_name_org_distance_description_open_now_and_partner(client, directory):
    response = client.get("/search/", {"q": "food pantry", "where": "40507"})
    text = text_of(response)
    assert response.status_code == 200
    first = text.index("Community Food Pantry")
    assert "God's Pantry Food Bank" in text or "God&#x27;s Pantry Food Bank" in text
    assert re.search(r"\d+(\.\d)? mi away", text)
    assert "Free groceries for families in need" in text
    assert "Partner" in text[first : first + 200]
    assert first < text.index("Louisville Food Pantry")


def test_results_page_runs_a_fixed_number_of_queries(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        client.get("/search/", {"category": "food", "where": "40507"})


def test_results_by_city_and_browser_position(client, directory):
    by_city = text_of(client.get("/search/", {"category": "food-pantries", "where": "Paducah"}))
    by_position = text_of(client.get("/search/", {"category": "food-pantries", "lat": "37.08", "lon": "-88.6"}))
    for text in (by_city, by_position):
        assert text.index("Paducah Food Pantry") < text.index("Community Food Pantry")


def test_an_unknown_place_says_so_and_changes_nothing(client, directory):
    response = client.get("/search/", {"q": "food", "where": "Atlantis"})
    assert "We could not find that place" in response.content.decode()


def test_filters_are_applied_from_the_form(client, directory):
    text = text_of(client.get("/search/", {"category": "goods", "free": "on"}))
    assert "Clothing Closet" in text and "Furniture Bank" not in text
    text = text_of(client.get("/search/", {"q": "english", "lang": "ar"}))
    assert "English Classes for Adults" in text


def test_filters_keep_what_was_chosen(client, directory):
    """The filter form is rendered by ``select_options``: the chosen values come back selected."""
    html = client.get(
        "/search/", {"q": "food", "distance": "10", "lang": "ar", "free": "on", "open_now": "on", "age": "70"}
    ).content.decode()
    assert '<option value="10" selected>10 miles</option>' in html
    assert '<option value="ar" selected>Arabic</option>' in html
    assert html.count(" selected>") == 2 and '<option value="">Any distance</option>' in html
    assert 'id="id_free" checked' in html and 'id="id_open_now" checked' in html and 'value="70"' in html
    assert '<details class="filters" open>' in html
    html = client.get("/search/", {"q": "food", "distance": '"><script>x</script>'}).content.decode()
    assert "<script>x" not in html and " selected>" not in html


def test_paging_links_carry_the_search(client, directory):
    html = client.get("/search/", {"category": "food", "where": "40507"}).content.decode()
    assert "Next page" not in html  # 7 food services: one page
    html = client.get("/search/", {"situation": "lost-job"}).content.decode()
    assert "Page 1" in html


def test_a_hopeless_query_suggests_categories(client, directory):
    text = text_of(client.get("/search/", {"q": "xyzzyq"}))
    assert "No services found" in text and "Browse by category" in text and "Housing" in text


def test_a_misspelled_query_still_finds_and_suggests(client, directory):
    text = text_of(client.get("/search/", {"q": "diapers"}))
    assert "Diaper Bank" in text and "Diapers and baby supplies" in text


def test_service_page_has_every_section(client, directory):
    response = client.get(reverse("directory:service", args=[sid("pantry-lex")]))
    text = text_of(response)
    assert response.status_code == 200
    for expected in (
        "Community Food Pantry",
        "God",
        "Partner",
        "About this service",
        "Free groceries",
        "Who can get help",
        "Kentucky residents",
        "Fees",
        "Free",
        "Languages",
        "English, Spanish",
        "Locations and hours",
        "100 Main St",
        "Lexington, KY 40507",
        "Monday",
        "9 a.m. \u2013 5 p.m.",
        "Saturday",
        "Closed",
        "Get directions",
        "859-555-0101",
        "Related services",
        "Information last verified on",
        "Report a problem",
    ):
        assert expected in text, expected
    assert "Frequently paired together" not in text  # no referral history yet
    related = text.split("Related services")[1].split("Information last verified")[0]
    assert "Hot Meals Kitchen" in related and "Community Food Pantry" not in related  # nearby, not itself


def test_service_page_lists_other_services_at_the_same_place(client, directory):
    text = text_of(client.get(reverse("directory:service", args=[sid("training-fra")])))
    assert "Other services at this location" in text and "Job Search Help" in text


def test_service_without_address_is_still_useful(client, directory):
    text = text_of(client.get(reverse("directory:service", args=[sid("dv-ky")])))
    assert "Open 24 hours" in text and "Domestic Violence Shelter" in text


def test_map_appears_only_when_tiles_are_configured(client, directory, settings):
    url = reverse("directory:service", args=[sid("pantry-lex")])
    assert "service-map" not in client.get(url).content.decode()
    settings.MAP_TILE_URL = "https://tiles.example.org/{z}/{x}/{y}.png"
    html = client.get(url).content.decode()
    assert 'id="service-map"' in html and "vendor/leaflet/leaflet.js" in html and 'id="map-points"' in html


def test_inactive_and_unknown_services_are_not_found(client, directory):
    assert client.get(reverse("directory:service", args=[sid("closed-lex")])).status_code == 404
    assert client.get("/services/00000000-0000-0000-0000-000000000000/").status_code == 404


def test_report_a_problem_is_stored_for_reviewers(client, directory):
    url = reverse("directory:report_problem", args=[sid("pantry-lex")])
    response = client.post(url, {"kind": "phone", "details": "Number rings out", "contact": ""})
    assert response.status_code == 302
    report = ProblemReport.objects.get()
    assert report.service_id == sid("pantry-lex") and report.kind == "phone" and report.status == "new"
    from wayfinder.audit.models import AuditEvent

    [entry] = AuditEvent.objects.filter(action="directory.problem_reported")
    assert entry.object_id == str(report.pk) and entry.actor_label == "anonymous"
    assert entry.data == {"service": str(sid("pantry-lex")), "kind": "phone"}  # not the visitor's words
    assert client.post(url, {"kind": "nonsense"}).status_code == 400
    assert ProblemReport.objects.count() == 1


def test_frequently_paired_uses_referral_history():
    from wayfinder.directory.service_page import frequently_paired

    history = [["a", "b"], ["a", "b", "c"], ["a", "c"], ["a", "b"], ["d", "e"]]
    assert frequently_paired("a", lambda: history) == ["b", "c"]
    assert frequently_paired("z", lambda: history) == []
    assert frequently_paired("a") == []


def test_service_page_runs_a_fixed_number_of_queries(client, directory, django_assert_max_num_queries):
    with django_assert_max_num_queries(18):
        client.get(reverse("directory:service", args=[sid("pantry-lex")]))


def test_results_page_says_when_search_is_not_ready(client, db, settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "none"
    text = text_of(client.get("/search/", {"q": "food"}))
    assert "Search is being set up" in text


def test_use_my_location_is_a_progressive_enhancement(client):
    html = client.get("/").content.decode()
    assert re.search(r"<button[^>]*data-geo-button[^>]*hidden>", html)  # shown by the script only
    assert 'name="lat"' in html and "js/directory.js" in html
    assert "<script>" not in html and "style=" not in html  # the CSP forbids inline scripts and styles


def test_a_category_tile_is_never_named_after_a_situation_with_the_same_slug(client):
    html = client.get("/").content.decode()
    categories = html.split('id="categories-heading"')[1]
    assert 'formaction="/categories/child-care/" class="tile">Child care<' in categories
    assert "I need child care to work" not in categories


def test_partner_staff_add_a_result_to_their_favorites(client, directory, personas):
    from wayfinder.partners.models import Favorite

    client.force_login(personas["food_bank_staff"])
    page = text_of(client.get("/search/", {"q": "food pantry", "where": "40507"}))
    assert "Add to favorites" in page
    service = Favorite._meta.get_field("service").related_model.objects.get(name="Community Food Pantry")
    response = client.post(
        "/partners/workspace/favorites/add/", {"service_id": str(service.pk), "next": "/search/?q=food"}
    )
    assert response.status_code == 302
    assert Favorite.objects.filter(service=service, organization__name="Bluegrass Community Food Bank").exists()
    client.logout()
    assert "Add to favorites" not in text_of(client.get("/search/", {"q": "food pantry", "where": "40507"}))


def test_result_rows_escape_every_value():
    """Names, addresses and the page address come from partners, 2-1-1 feeds and visitors."""
    from wayfinder.directory.pages import ResultRow, render_result_rows

    hostile = '<script>alert("x")</script>'
    row = ResultRow(
        service_id='1" onmouseover="x',
        url='/services/1/?a=1&b="2"',
        name=hostile,
        organization=hostile,
        short=hostile,
        address=hostile,
        phone='859"><b>',
        miles=2.5,
        open_now=True,
        partner=True,
    )
    html = render_result_rows(
        [row],
        in_list=set(),
        csrf_token="token",
        add_url="/list/add/",
        remove_url="/list/remove/",
        here='/search/?q="><script>',
        favorite_url="/favorites/add/",
    )
    assert "<script>" not in html and "<b>" not in html
    assert html.count("&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;") == 6  # name 3 times, org, short, address
    assert 'value="1&quot; onmouseover=&quot;x"' in html
    assert 'href="/services/1/?a=1&amp;b=&quot;2&quot;"' in html
    assert 'value="/search/?q=&quot;&gt;&lt;script&gt;"' in html
    assert "2.5 mi away" in html and "Open now" in html and "Partner" in html
