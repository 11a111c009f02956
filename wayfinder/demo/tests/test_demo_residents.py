from __future__ import annotations

import io

import pytest

from wayfinder.consent.access import record_access
from wayfinder.demo import eligibility as demo
from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.residents.models import Resident

pytestmark = pytest.mark.django_db


def test_the_demo_loader_is_idempotent_and_links_amy(settings, tmp_path, monkeypatch, personas):
    settings.DATA_DIR = tmp_path
    monkeypatch.setattr(demo, "DEMO_RESIDENTS", 40)
    out = io.StringIO()
    demo.load_demo_residents(out)
    assert "created 40" in out.getvalue()
    demo.load_demo_residents(out)
    assert "unchanged 40" in out.getvalue()
    assert Resident.objects.count() == 41
    amy = Resident.objects.get(pk=AMY_RESIDENT_ID)
    assert amy.user == personas["resident"]
    assert record_access(personas["food_bank_staff"], amy).level == "full"
    assert record_access(personas["family_center_staff"], amy).level == "limited"
