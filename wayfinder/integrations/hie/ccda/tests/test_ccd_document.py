"""Generated CCDs pass the CDA schema and the C-CDA R2.1 schematron, and carry only
what the sharing rule allows."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone
from lxml import etree

from wayfinder.assessments.tests.conftest import org
from wayfinder.integrations.hie.ccda import validation
from wayfinder.integrations.hie.ccda.document import V3, build_ccd
from wayfinder.integrations.hie.fhir.auth import ClientGrant
from wayfinder.integrations.hie.tests.clients import make_client
from wayfinder.integrations.hie.tests.test_outbound import _submit
from wayfinder.residents.models import NeedSource, SdohNeed

pytestmark = pytest.mark.django_db
NS = {"cda": V3}


def _grant():
    client, _key = make_client("system/DocumentReference.read", organization=org("hospital"))
    return ClientGrant(client=client, scopes=frozenset({"system/DocumentReference.read"}))


def _need(resident, domain, codes, kind, detail, *, part2=False):
    when = timezone.now() - dt.timedelta(days=3)
    need = SdohNeed.objects.create(
        resident=resident, domain=domain, sdohcc_codes=codes, source=kind, observed_at=when, part2=part2
    )
    NeedSource.objects.create(
        need=need, kind=kind, detail=detail, reference="Condition/c1", observed_at=when, part2=part2
    )
    return need


def _assert_valid(data: bytes) -> etree._ElementTree:
    tree = validation.parse(data)
    report = validation.validate(tree)
    assert report.failures == [], "\n".join(f"{f.rule} {f.message}" for f in report.failures[:20])
    return tree


def test_it_builds_a_valid_ccd_with_needs_from_each_source_and_the_ahc(amy, personas):
    _submit(amy, personas, org("hospital"), q88122_7="LA28397-0", q93030_5="LA33-6")
    _need(amy, "housing", ["housing-instability"], "hie", "University Hospital")
    _need(amy, "utilities", ["utility-insecurity"], "medicaid_claims", "Medicaid claim 2026-10-01")
    tree = _assert_valid(build_ccd(amy, _grant()))
    social = tree.xpath("//cda:section[cda:code/@code='29762-2']", namespaces=NS)[0]
    assert len(social.xpath("cda:entry/cda:observation[cda:templateId/@extension='2022-06-01']", namespaces=NS)) >= 3
    scale = social.xpath(
        "cda:entry/cda:observation[cda:templateId/@root='2.16.840.1.113883.10.20.22.4.69']", namespaces=NS
    )[0]
    assert scale.xpath("cda:code/@code", namespaces=NS) == ["96777-8"]
    supporting = set(scale.xpath("cda:entryRelationship/cda:observation/cda:code/@code", namespaces=NS))
    assert {"88122-7", "93030-5"} <= supporting
    icd = set(
        tree.xpath("//cda:act/cda:entryRelationship/cda:observation/cda:value/cda:translation/@code", namespaces=NS)
    )
    assert {"Z59.819", "Z59.861"} <= icd
    text = etree.tostring(social, encoding="unicode")
    assert "Medicaid claims" in text and "University Hospital" in text


def test_it_builds_a_valid_ccd_without_anything_to_say(amy):
    tree = _assert_valid(build_ccd(amy, _grant()))
    assert tree.xpath("//cda:section[cda:code/@code='29762-2']/cda:text/text()", namespaces=NS) == ["No information"]


def test_it_hides_part2_needs_without_part2_consent(amy):
    _need(amy, "food", ["food-insecurity"], "hie", "Recovery program", part2=True)
    _need(amy, "transportation", ["transportation-insecurity"], "hie", "Clinic")
    data = build_ccd(amy, _grant())
    _assert_valid(data)
    assert b"Recovery program" not in data and b"Z59.41" not in data and b"Z59.82" in data
