"""A feed's ``javascript:`` website, ``tel:javascript:`` phone and script email
never become links (issue #13 item 11): pages show the text, without an href."""

from __future__ import annotations

import re

import pytest

from wayfinder.directory.models import Address, Location, Organization, Phone, Service, ServiceAtLocation
from wayfinder.directory.pages import ResultRow, render_result_rows

pytestmark = pytest.mark.django_db

HOSTILE_PHONE = "tel:javascript:alert(document.cookie)"


@pytest.fixture
def hostile_service(db):
    organization = Organization.objects.create(
        name="Hostile Feed Org", description="x", website="javascript:alert(1)", email="javascript:alert(1)//@x.org"
    )
    service = Service.objects.create(
        organization=organization, name="Hostile service", description="x", url="JaVaScRiPt:alert(2)"
    )
    location = Location.objects.create(organization=organization, name="Hostile place", location_type="physical")
    Address.objects.create(
        location=location, address_1="1 Main St", city="Lexington", state_province="KY", postal_code="40507",
        country="US", address_type="physical",
    )  # fmt: skip
    ServiceAtLocation.objects.create(service=service, location=location)
    Phone.objects.create(service=service, number=HOSTILE_PHONE)
    Phone.objects.create(location=location, number="javascript:alert(3)")
    Phone.objects.create(service=service, number="859-555-0101")
    return service


def hrefs(html: str) -> list[str]:
    return re.findall(r'href="([^"]*)"', html)


def assert_only_safe_links(html: str) -> None:
    for href in hrefs(html):
        assert not re.match(r"(?i)\s*(javascript|data|vbscript)", href), href
        assert "javascript" not in href.lower(), href


def test_the_service_page_links_only_safe_values(client, hostile_service):
    html = client.get(f"/services/{hostile_service.pk}/").content.decode()
    assert_only_safe_links(html)
    assert "tel:+18595550101" in hrefs(html)  # a real number is still a link
    assert "JaVaScRiPt:alert(2)" in html  # shown as text


def test_my_list_and_shared_list_link_only_safe_values(client, hostile_service):
    client.post("/my-list/add/", {"service": str(hostile_service.pk)})
    assert_only_safe_links(client.get("/my-list/").content.decode())
    assert_only_safe_links(client.get(f"/shared/?s={hostile_service.pk}").content.decode())


def test_search_result_rows_link_only_safe_phones():
    row = ResultRow(
        service_id="1", url="/services/1/", name="n", organization="o", short="s", address="a",
        phone=HOSTILE_PHONE, miles=None, open_now=None, partner=False,
    )  # fmt: skip
    html = render_result_rows([row], in_list=set(), csrf_token="t", add_url="/a", remove_url="/r", here="/")
    assert_only_safe_links(html)
    assert HOSTILE_PHONE in html
