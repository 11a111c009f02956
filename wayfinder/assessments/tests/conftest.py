"""Shared helpers for the assessment tests: the shipped questionnaires, answer sets,
consent for the hospital, walking the screens through the real HTTP interface."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.utils import timezone

from wayfinder.demo.personas import ORGANIZATIONS
from wayfinder.directory.models import Organization

AMY = "5a1d0c0e-0000-4000-8000-000000000001"
SHARED = "../shared/standards/fhir-sdohcc-examples"


def org(key: str) -> Organization:
    return Organization.objects.get(pk=next(o.id for o in ORGANIZATIONS if o.key == key))


def give_consent(resident, organization, *, part2: bool = False):
    from wayfinder.consent.models import Consent, Method, Scope

    made = [
        Consent.objects.create(
            resident=resident,
            organization=organization,
            scope=Scope.GENERAL,
            purpose="care_coordination",
            method=Method.RESIDENT_ACCOUNT,
            recorded_by=resident.user,
            expires_at=timezone.now() + dt.timedelta(days=365),
        )
    ]
    if part2:
        made.append(
            Consent.objects.create(
                resident=resident,
                organization=organization,
                scope=Scope.PART2,
                purpose="care_coordination",
                method=Method.RESIDENT_ACCOUNT,
                recorded_by=resident.user,
                signature_name="Amy Brand",
                expires_at=timezone.now() + dt.timedelta(days=365),
            )
        )
    return made


@pytest.fixture
def amy(personas):
    from wayfinder.residents.models import Resident

    return Resident.objects.get(user=personas["resident"])


@pytest.fixture
def hospital_with_consent(amy):
    give_consent(amy, org("hospital"))
    return org("hospital")


def ahc(**overrides) -> dict:
    """A complete AHC core answer set with no need anywhere; keyword args replace
    answers by LOINC code (underscores for dashes), e.g. ahc(q71802_3="LA31994-9")."""
    answers = {
        "71802-3": {"v": ["LA31993-1"]},
        "96778-6": {"v": ["LA9-3"]},
        "88122-7": {"v": ["LA28398-8"]},
        "88123-5": {"v": ["LA28398-8"]},
        "93030-5": {"v": ["LA32-8"]},
        "96779-4": {"v": ["LA32-8"]},
        "95618-5": {"v": ["LA6270-8"]},
        "95617-7": {"v": ["LA6270-8"]},
        "95616-9": {"v": ["LA6270-8"]},
        "95615-1": {"v": ["LA6270-8"]},
        "ask-supplemental": {"v": [False]},
    }
    for key, value in overrides.items():
        code = key[1:].replace("_", "-") if key.startswith("q") else key.replace("_", "-")
        if value is None:
            answers.pop(code, None)
        elif value == "declined":
            answers[code] = {"declined": True}
        else:
            answers[code] = {"v": value if isinstance(value, list) else [value]}
    return answers


def form_fields(html: str) -> dict:
    """Hidden inputs of a page's assessment form (version, shown, submission_key)."""
    fields: dict = {}
    for name, value in re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', html):
        fields.setdefault(name, []).append(value)
    return fields


def post_screen(client, url: str, answers: dict, *, action: str = "next", extra: dict | None = None):
    """GET a screen, then POST ``answers`` ({linkId: value or [values]}) with its hidden fields."""
    page = client.get(url)
    assert page.status_code == 200, (url, page.status_code)
    data = form_fields(page.content.decode())
    data.pop("csrfmiddlewaretoken", None)
    for link_id, value in answers.items():
        data["a-" + link_id] = value if isinstance(value, list) else [value]
    data["action"] = action
    data.update(extra or {})
    return client.post(url, data)
