"""The sharing rule (docs/security.md, "Sharing with the health information exchange")
and the disclosure record that lands in the resident's accounting of disclosures."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from wayfinder.assessments.tests.conftest import org
from wayfinder.consent.models import Consent, Method, Scope
from wayfinder.integrations.hie.disclosures import record_disclosure
from wayfinder.integrations.hie.fhir.auth import ClientGrant
from wayfinder.integrations.hie.models import SharingChoice
from wayfinder.integrations.hie.sharing import shareable_needs, shareable_sources
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from .clients import make_client

pytestmark = pytest.mark.django_db


@pytest.fixture
def amy(personas):
    return Resident.objects.get(user=personas["resident"])


def _need(resident, domain, *, part2=False, status=SdohNeed.Status.OPEN):
    now = timezone.now() - dt.timedelta(days=1)
    need = SdohNeed.objects.create(
        resident=resident, domain=domain, source="assessment", observed_at=now, status=status, part2=part2
    )
    NeedSource.objects.create(need=need, kind="assessment", detail="screening", observed_at=now, part2=part2)
    return need


def _part2_consent(resident, organization):
    Consent.objects.create(
        resident=resident,
        organization=organization,
        scope=Scope.PART2,
        purpose="care_coordination",
        method=Method.RESIDENT_ACCOUNT,
        recorded_by=resident.user,
        signature_name="Amy Brand",
    )


def _grant(organization=None):
    client, _key = make_client("system/Condition.read", organization=organization)
    return ClientGrant(client=client, scopes=frozenset({"system/Condition.read"}))


def test_part2_needs_only_with_a_part2_consent_naming_the_clients_organization(amy):
    food = _need(amy, "food")
    housing = _need(amy, "housing", part2=True)
    _need(amy, "transit", status=SdohNeed.Status.RESOLVED)
    hospital = org("hospital")
    assert list(shareable_needs(amy, _grant())) == [food]
    assert list(shareable_needs(amy, _grant(hospital))) == [food]
    _part2_consent(amy, org("food_bank"))  # another organization's consent does not count
    assert list(shareable_needs(amy, _grant(hospital))) == [food]
    _part2_consent(amy, hospital)
    grant = _grant(hospital)
    assert set(shareable_needs(amy, grant)) == {food, housing}
    assert shareable_sources(housing, grant).count() == 1
    assert shareable_sources(housing, _grant()).count() == 0


def test_a_resident_who_says_no_is_withheld(amy):
    _need(amy, "food")
    SharingChoice.objects.create(resident=amy, share=False)
    assert not shareable_needs(amy, _grant()).exists()


def test_disclosure_appears_in_the_accounting_of_disclosures(amy, client, personas):
    grant = _grant()
    record_disclosure(grant, amy, ["Condition/abc"], "Condition search")
    client.force_login(personas["system_admin"])
    response = client.get("/clients/access-log/", {"resident": str(amy.pk)})
    assert response.status_code == 200
    rows = b"".join(response.streaming_content if response.streaming else [response.content]).decode()
    line = next(row for row in rows.splitlines() if "hie.disclosed" in row)
    assert grant.client.client_id in line and "Condition search" in line
