from __future__ import annotations

import pytest

from wayfinder.consent.models import Consent
from wayfinder.consent.statements import STATEMENTS_VERSION, VERBAL_STATEMENTS

pytestmark = pytest.mark.django_db

ALL = {f"ack_{code}": "on" for code, _text in VERBAL_STATEMENTS}


def test_every_statement_must_be_ticked(staff_client, jolene):
    staff = staff_client()
    partial = dict(list(ALL.items())[:-1])
    response = staff.post(f"/consent/verbal/{jolene.pk}/", partial)
    assert response.status_code == 400
    assert not Consent.objects.filter(resident=jolene).exists()


def test_it_records_who_when_and_how(staff_client, jolene, personas):
    staff = staff_client()
    page = staff.get(f"/consent/verbal/{jolene.pk}/").content.decode()
    assert "Bluegrass Community Food Bank is asking to see your Wayfinder record" in page
    response = staff.post(f"/consent/verbal/{jolene.pk}/", ALL)
    assert response.status_code == 302
    consent = Consent.objects.get(resident=jolene)
    assert consent.method == "verbal"
    assert consent.recorded_by == personas["food_bank_staff"]
    assert consent.statements == [code for code, _t in VERBAL_STATEMENTS]
    assert consent.statements_version == STATEMENTS_VERSION
    assert consent.given_at and consent.expires_at > consent.given_at
    assert 'data-access="full"' in staff.get(f"/clients/{jolene.pk}/").content.decode()
