"""Client search tolerates case, accents, nicknames and typos, shows only masked
disambiguators, and never lists another organization's own clients."""

from __future__ import annotations

import datetime

import pytest

from wayfinder.residents.models import ContactPoint, Resident, Source

pytestmark = pytest.mark.django_db
DOB = datetime.date(1975, 11, 20)


def person(first, last, dob=DOB, email="", phone="", city="Lexington", zip_code="40505", **extra):
    resident = Resident.objects.create(
        first_name=first,
        last_name=last,
        date_of_birth=dob,
        source=Source.ELIGIBILITY,
        city=city,
        zip_code=zip_code,
        **extra,
    )
    for kind, value in (("email", email), ("phone", phone)):
        if value:
            ContactPoint.objects.create(resident=resident, kind=kind, value=value, source=Source.ELIGIBILITY)
    return resident


@pytest.fixture
def staff(client, personas):
    client.force_login(personas["family_center_staff"])
    return client


def search(staff, first, last, dob=DOB):
    response = staff.get("/clients/", {"first_name": first, "last_name": last, "date_of_birth": dob.isoformat()})
    assert response.status_code == 200
    return response


@pytest.mark.parametrize(
    ("typed_first", "typed_last"),
    [("william", "PEÑA"), ("Bill", "Pena"), ("Wiliam", "Penna"), ("Will", "peña")],
)
def test_it_finds_people_despite_case_accents_nicknames_and_typos(staff, typed_first, typed_last):
    wanted = person("William", "Peña")
    person("Wanda", "Peña")
    person("William", "Peña", dob=datetime.date(1975, 11, 21))
    results = search(staff, typed_first, typed_last).context["results"]
    assert [r.resident.pk for r in results] == [wanted.pk]


def test_several_matches_show_masked_email_phone_and_place(staff):
    person("Mary", "Smith", email="mary.smith@example.com", phone="859-555-1234", city="Paris", zip_code="40361")
    person("Mary", "Smith", email="msmith@example.org", phone="5025559876", city="Louisville", zip_code="40202")
    response = search(staff, "Mary", "Smith")
    results = response.context["results"]
    assert len(results) == 2
    page = response.content.decode()
    assert "m•••@example.com" in page and "•••-•••-1234" in page and "Paris 40361" in page
    assert "mary.smith@example.com" not in page and "859-555-1234" not in page
    assert "Several people match" in page


def test_no_match_offers_to_create_a_new_client(staff):
    page = search(staff, "Nobody", "Here").content.decode()
    assert "No one matches" in page and "/clients/new/?first_name=Nobody" in page


def test_a_day_month_swap_is_still_found(staff):
    wanted = person("Rosa", "Delgado", dob=datetime.date(1990, 3, 7))
    results = search(staff, "Rosa", "Delgado", dob=datetime.date(1990, 7, 3)).context["results"]
    assert [r.resident.pk for r in results] == [wanted.pk]


def test_search_is_indexed_by_birth_date_and_has_no_n_plus_one(staff, django_assert_max_num_queries):
    for index in range(15):
        person("Mary", "Smith", email=f"m{index}@example.com", phone=f"85955500{index:02d}")
    with django_assert_max_num_queries(25):
        results = search(staff, "Mary", "Smith").context["results"]
    assert len(results) == 15


def test_create_client_checks_for_duplicates_first(staff, personas):
    existing = person("Jolene", "Caudill")
    data = {"first_name": "Joleen", "last_name": "Caudill", "date_of_birth": DOB.isoformat(), "email": "j@example.com"}
    response = staff.post("/clients/new/", data)
    assert response.status_code == 200 and [d.resident.pk for d in response.context["duplicates"]] == [existing.pk]
    assert Resident.objects.count() == 2  # Amy + existing
    response = staff.post("/clients/new/", {**data, "confirm_new": "on"})
    created = Resident.objects.get(first_name="Joleen")
    assert response.status_code == 302 and response["Location"] == f"/clients/{created.pk}/"
    assert created.source == "organization" and created.contacts.get().organization_id is not None


def test_another_organizations_own_client_is_a_404_and_never_listed(client, personas):
    client.force_login(personas["food_bank_staff"])
    client.post("/clients/new/", {"first_name": "Private", "last_name": "Client", "date_of_birth": DOB.isoformat()})
    own = Resident.objects.get(first_name="Private")
    assert client.get(f"/clients/{own.pk}/").status_code == 200
    client.force_login(personas["family_center_staff"])
    assert client.get(f"/clients/{own.pk}/").status_code == 404
    assert client.get(f"/consent/request/{own.pk}/").status_code == 404
    assert client.post(f"/clients/{own.pk}/notes/", {"body": "x"}).status_code == 404
    assert search(client, "Private", "Client").context["results"] == []


def test_not_onboarded_organizations_cannot_search(client, personas):
    client.force_login(personas["shelter_staff"])
    assert client.get("/clients/").status_code == 403
