# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""The service page's rough edges a newcomer hit (issue 14, items 6 and 7), over HTTP."""

from __future__ import annotations

import re

from django.urls import reverse

from wayfinder.directory.models import Phone, Service, ServiceAtLocation

from .directory_fixture import sid
from .search_fixtures import directory, search_index_dir  # noqa: F401


def _copy(service: Service, phone: str) -> Service:
    """The same service listed again by the feed, differing only by its phone."""
    copy = Service.objects.create(organization=service.organization, name=service.name, description=service.description)
    Phone.objects.create(service=copy, number=phone)
    location = service.service_at_locations.get().location
    ServiceAtLocation.objects.create(service=copy, location=location)
    return copy


def test_other_services_here_lists_each_service_once(client, directory):
    _copy(directory["jobsearch-fra"], "502-555-7001")
    _copy(directory["jobsearch-fra"], "502-555-7002")
    _copy(directory["training-fra"], "502-555-7003")
    html = client.get(f"/services/{sid('training-fra')}/").content.decode()
    section = html[html.index('id="here-heading"') :]
    section = section[: section.index("</section>")]
    names = re.findall(r'<a href="/services/[^"]+/">([^<]+)</a>', section)
    assert names == ["Job Search Help"]  # not three times, and not this page's own service again


def test_report_a_problem_thanks_next_to_the_form_once(client, directory):
    url = reverse("directory:report_problem", args=[sid("pantry-lex")])
    response = client.post(url, {"kind": "hours", "details": "", "contact": ""})
    assert response.status_code == 302
    assert response["Location"] == f"/services/{sid('pantry-lex')}/#report"
    html = client.get(f"/services/{sid('pantry-lex')}/").content.decode()  # the test client drops no #fragment
    thanks = "Thank you. A reviewer will check this service's information."
    assert html.count(thanks) == 1, html[html.find("reviewer") - 200 : html.find("reviewer") + 100]
    assert html.index('id="report"') < html.index(thanks)  # inside the report section, not the page's top
    assert thanks not in client.get(f"/services/{sid('pantry-lex')}/").content.decode()  # once
    assert thanks not in client.get(f"/services/{sid('meals-lex')}/").content.decode()


def test_a_report_with_an_error_reopens_the_form_at_its_anchor(client, directory):
    url = reverse("directory:report_problem", args=[sid("pantry-lex")])
    html = client.post(url, {"kind": "nonsense"}).content.decode()
    assert f'action="{url}#report"' in html
    assert re.search(r"<details\s+open>\s*<summary>Report a problem", html)
    assert 'role="alert"' in html


def test_the_home_page_tiles_submit_the_search_box(client):
    html = client.get("/").content.decode()
    assert 'id="directory-search"' in html
    assert 'form="directory-search" name="situation" value="food-today"' in html
    assert 'form="directory-search" formaction="/categories/food/"' in html


def test_the_category_page_carries_its_place(client):
    html = client.get("/categories/food/", {"where": "40202", "q": "", "lat": "", "lon": ""}).content.decode()
    assert "/search/?category=food-pantries&amp;where=40202" in html
    html = client.get("/categories/food/", {"lat": "38.25", "lon": "-85.75"}).content.decode()
    assert "/search/?category=food-pantries&amp;lat=38.25000&amp;lon=-85.75000" in html
    html = client.get("/categories/food/", {"lat": "999"}).content.decode()
    assert "/search/?category=food-pantries&quot;" not in html and 'href="/search/?category=food-pantries"' in html
