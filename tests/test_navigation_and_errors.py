"""Menus never link to a page that refuses, each role starts on its own page, and
error pages are in the site's layout in both languages (issue #14, item 8)."""

from __future__ import annotations

import re

import pytest
from django.test import Client, RequestFactory
from django.utils import translation

from wayfinder.accounts.next_steps import landing_url_name
from wayfinder.demo.personas import PERSONAS

NAV = re.compile(r'<nav[^>]*class="(?:workspace-nav|account-nav)"[^>]*>(.*?)</nav>', re.S)
HREF = re.compile(r'href="([^"]+)"')

STARTS = {
    "resident": "/my-plan/",
    "food_bank_admin": "/partners/workspace/",
    "food_bank_staff": "/partners/workspace/",
    "family_center_staff": "/partners/workspace/",
    "shelter_staff": "/partners/workspace/",
    "hospital_user": "/partners/workspace/",
    "clinician": "/partners/workspace/",
    "dcbs_worker": "/partners/workspace/",
    "reviewer": "/partners/review/",
    "specialist": "/referrals/follow-ups/",
    "system_admin": "/admin/",
}


def menu_links(client: Client, page: str) -> list[str]:
    html = client.get(page).content.decode()
    return [href for block in NAV.findall(html) for href in HREF.findall(block)]


@pytest.mark.django_db
@pytest.mark.parametrize("key", [p.key for p in PERSONAS])
def test_every_menu_link_opens_for_the_person_who_sees_it(client, personas, key):
    client.force_login(personas[key])
    start = client.get("/accounts/start/")
    assert start.status_code == 302 and start["Location"] == STARTS[key]
    links = set(menu_links(client, "/accounts/home/")) | set(menu_links(client, start["Location"]))
    assert links, key
    for href in sorted(links):
        response = client.get(href)
        assert response.status_code == 200, f"{key}: the menu links to {href}, which answers {response.status_code}"


@pytest.mark.django_db
def test_menus_leave_out_what_a_role_cannot_open(client, personas):
    client.force_login(personas["food_bank_staff"])
    staff_links = set(menu_links(client, "/partners/workspace/"))
    assert "/referrals/inbox/" in staff_links and "/partners/workspace/staff/" not in staff_links
    assert client.get("/partners/workspace/staff/").status_code == 403
    client.force_login(personas["food_bank_admin"])
    assert "/partners/workspace/staff/" in set(menu_links(client, "/partners/workspace/"))
    client.force_login(personas["shelter_staff"])  # organization not onboarded: no referral tools
    shelter_links = set(menu_links(client, "/partners/workspace/"))
    assert "/referrals/inbox/" not in shelter_links and "/clients/" not in shelter_links
    assert client.get("/referrals/inbox/").status_code == 403
    client.force_login(personas["resident"])
    assert "/my-plan/" in set(menu_links(client, "/my-plan/"))
    assert client.get("/partners/workspace/").status_code == 403


@pytest.mark.django_db
def test_each_role_starts_on_its_own_page(personas):
    for key, start in STARTS.items():
        from django.urls import reverse

        assert reverse(landing_url_name(personas[key])) == start, key


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "You cannot open this page"), ("es", "No puede abrir")])
def test_403_is_a_page_of_the_site(client, personas, language, heading):
    client.force_login(personas["food_bank_staff"])
    client.cookies["django_language"] = language
    response = client.get("/partners/workspace/staff/")
    html = response.content.decode()
    assert response.status_code == 403
    assert f'<html lang="{language}">' in html and heading in html
    assert 'class="site-header"' in html and "/accounts/start/" in html
    assert "403 Forbidden" not in html


@pytest.mark.django_db
@pytest.mark.parametrize(("language", "heading"), [("en", "Page not found"), ("es", "Página no encontrada")])
def test_404_is_a_page_of_the_site(client, personas, language, heading):
    client.force_login(personas["family_center_staff"])
    client.cookies["django_language"] = language
    response = client.get("/referrals/7e5f0000-0000-4000-8000-0000000000ff/")
    html = response.content.decode()
    assert response.status_code == 404
    assert f'<html lang="{language}">' in html and heading in html and 'class="site-header"' in html


@pytest.mark.django_db
def test_a_form_without_its_security_token_gets_a_page_of_the_site(personas):
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas["food_bank_staff"])
    response = client.post("/referrals/notifications/", {})
    assert response.status_code == 403
    assert "The form expired" in response.content.decode()


@pytest.mark.parametrize(("language", "heading"), [("en", "Something went wrong"), ("es", "Algo salió mal")])
def test_500_renders_without_a_database_or_request_context(language, heading):
    """No ``db`` fixture: pytest-django fails any query, so the page must make none."""
    from django.views.defaults import server_error

    with translation.override(language):
        response = server_error(RequestFactory().get("/"))
    html = response.content.decode()
    assert response.status_code == 500
    assert f'<html lang="{language}">' in html and heading in html and 'class="site-header"' in html
