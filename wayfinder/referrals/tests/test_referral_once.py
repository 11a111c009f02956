"""A referral form sent twice makes one referral, and a second open referral to
the same service for the same resident needs a confirmation (issue #14, item 3).
HTTP through Django's test client; the browser version (Submit, Back, Submit) is
in tests/browser/test_daily_work_browser.py."""

from __future__ import annotations

import re

import pytest
from django.db import IntegrityError

from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.referrals import actions, closing
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import org

pytestmark = pytest.mark.django_db

TOKEN = re.compile(r'name="form_token" value="([^"]+)"')


def confirm_url(service) -> str:
    return f"/referrals/new/{AMY_RESIDENT_ID}/?org={service.organization_id}&service={service.pk}"


def token_on(response) -> str:
    return TOKEN.search(response.content.decode()).group(1)


def test_sending_the_same_form_twice_makes_one_referral(client, personas, world):
    client.force_login(personas["food_bank_staff"])
    form = client.get(confirm_url(world.formula))
    data = {"form_token": token_on(form), "note": "Needs formula this week"}

    first = client.post(confirm_url(world.formula), data)
    referral = Referral.objects.get()
    assert first.status_code == 302 and first["Location"] == f"/referrals/{referral.pk}/"

    again = client.post(confirm_url(world.formula), data, follow=True)
    assert Referral.objects.count() == 1
    assert again.redirect_chain[-1][0] == f"/referrals/{referral.pk}/"
    assert "This referral was already sent on" in again.content.decode()
    assert Referral.objects.get().form_token  # the token's random part, not the signed token


def test_a_token_from_another_form_or_person_is_refused_and_a_new_one_given(client, personas, world):
    client.force_login(personas["food_bank_admin"])
    foreign = token_on(client.get(confirm_url(world.formula)))
    client.force_login(personas["food_bank_staff"])
    for token in (foreign, "made-up", ""):
        response = client.post(confirm_url(world.formula), {"form_token": token})
        assert response.status_code == 400
        assert "This form was open for too long or came from another page" in response.content.decode()
        assert token_on(response) != token
    assert not Referral.objects.exists()


def test_a_second_open_referral_to_the_same_service_needs_a_confirmation(client, personas, world, referral):
    # ``referral``: the food bank already referred Amy to the infant formula.
    client.force_login(personas["food_bank_staff"])
    form = client.get(confirm_url(world.formula))
    html = form.content.decode()
    assert "Amy Brand already has an open referral to this service." in html
    assert f"/referrals/{referral.pk}/" in html

    refused = client.post(confirm_url(world.formula), {"form_token": token_on(form)})
    assert refused.status_code == 400
    assert "Tick the box to send another referral" in refused.content.decode()
    assert Referral.objects.count() == 1

    sent = client.post(confirm_url(world.formula), {"form_token": token_on(form), "confirm_duplicate": "on"})
    assert sent.status_code == 302 and Referral.objects.count() == 2


def test_a_closed_referral_is_no_duplicate(client, personas, world, referral):
    closing.close_referral(
        actor=personas["family_center_staff"], referral=referral, expected_version=1, provided=True, experience="ok"
    )
    client.force_login(personas["food_bank_staff"])
    form = client.get(confirm_url(world.formula))
    assert "already has an open referral" not in form.content.decode()
    assert client.post(confirm_url(world.formula), {"form_token": token_on(form)}).status_code == 302


def test_without_consent_another_organizations_referral_is_not_disclosed(client, personas, world, referral):
    """The hospital holds no consent from Amy: the food bank's referral to the
    formula is not its business, so it gets no warning (docs/product.md 4.3)."""
    client.force_login(personas["hospital_user"])
    form = client.get(confirm_url(world.formula))
    assert form.status_code == 200
    assert "already has an open referral" not in form.content.decode()
    # The receiving organization knows about referrals it received, consent or not.
    client.force_login(personas["family_center_staff"])
    assert "already has an open referral" in client.get(confirm_url(world.formula)).content.decode()


def test_the_database_refuses_a_second_referral_from_one_form(personas, world):
    kwargs = {
        "actor": personas["food_bank_staff"],
        "resident": world.resident,
        "service": world.formula,
        "sending_organization": org("food_bank"),
        "form_token": "n" * 24,
    }
    actions.create_referral(**kwargs)
    with pytest.raises(IntegrityError):
        actions.create_referral(**kwargs)


def test_create_once_returns_what_the_first_submit_made(personas, world):
    kwargs = {
        "actor": personas["food_bank_staff"],
        "resident": world.resident,
        "service": world.formula,
        "sending_organization": org("food_bank"),
    }
    first, created = actions.create_referral_once(form_token="t" * 24, **kwargs)
    second, created_again = actions.create_referral_once(form_token="t" * 24, **kwargs)
    assert (created, created_again) == (True, False) and first == second
    other, created_other = actions.create_referral_once(form_token="u" * 24, **kwargs)
    assert created_other and other != first


def favorites_form(client, world):
    from wayfinder.partners.models import Favorite

    for position, service in enumerate((world.formula, world.child_care)):
        Favorite.objects.get_or_create(organization=org("food_bank"), service=service, defaults={"position": position})
    page = client.get(f"/referrals/new/{AMY_RESIDENT_ID}/")
    return {"form_token": token_on(page), "service": [str(world.formula.pk), str(world.child_care.pk)]}


def test_favorites_sent_twice_make_one_set_of_referrals(client, personas, world):
    client.force_login(personas["food_bank_staff"])
    data = favorites_form(client, world)
    url = f"/referrals/new/{AMY_RESIDENT_ID}/favorites/"
    assert client.post(url, data).status_code == 302
    again = client.post(url, data, follow=True)
    assert Referral.objects.count() == 2
    assert "This referral was already sent on" in again.content.decode()


def test_favorites_ask_before_referrals_already_open(client, personas, world, referral):
    client.force_login(personas["food_bank_staff"])
    data = favorites_form(client, world)
    url = f"/referrals/new/{AMY_RESIDENT_ID}/favorites/"

    confirmation = client.post(url, {**data, "note": "Baby supplies"})
    html = confirmation.content.decode()
    assert confirmation.status_code == 200 and Referral.objects.count() == 1
    assert "Some referrals are already open" in html and "Free infant formula" in html
    assert 'name="note" value="Baby supplies"' in html  # what was typed comes along

    assert client.post(url, {**data, "note": "Baby supplies", "skip_duplicates": "on"}).status_code == 302
    assert sorted(Referral.objects.values_list("service__name", flat=True)) == [
        "Child care referrals",
        "Free infant formula",
    ]
    assert Referral.objects.get(service=world.child_care).note == "Baby supplies"


def test_favorites_can_send_a_second_one_when_confirmed(client, personas, world, referral):
    client.force_login(personas["food_bank_staff"])
    data = favorites_form(client, world)
    client.post(f"/referrals/new/{AMY_RESIDENT_ID}/favorites/", {**data, "confirm_duplicate": "on"})
    assert Referral.objects.filter(service=world.formula).count() == 2


def test_a_resident_confirms_a_self_referral_once_and_is_warned_about_an_open_one(client, personas, world):
    client.force_login(personas["resident"])
    url = f"/referrals/self/{world.pantry.pk}/"
    page = client.get(url)
    html = page.content.decode()
    assert "Refer yourself to Weekly food pantry" in html and "(859) 555-0142" in html  # her phone, formatted
    data = {"step": "send", "form_token": token_on(page), "note": "After 3 pm please"}
    assert client.post(url, data).status_code == 302
    assert client.post(url, data).status_code == 302
    assert Referral.objects.count() == 1

    again = client.get(url)
    assert "You already have an open referral to this service." in again.content.decode()
    refused = client.post(url, {"step": "send", "form_token": token_on(again)})
    assert refused.status_code == 400 and Referral.objects.count() == 1


def test_self_referral_to_a_service_no_longer_offered_is_gone(client, personas, world):
    world.pantry.status = "inactive"
    world.pantry.save(update_fields=["status"])
    client.force_login(personas["resident"])
    response = client.get(f"/referrals/self/{world.pantry.pk}/")
    assert response.status_code == 410
    assert "This service is no longer offered" in response.content.decode()
    assert 'class="site-header"' in response.content.decode()  # in the site's layout
