"""A service's availability (issue #21 item 2) in the HSDS API: the 3.0 ``wait_time`` text in
every view, and in the nested views an HSDS 3.1 service capacity of 0 referral places for a full
service or a waitlist. Responses validate against the official 3.0 schemas and against the API's
own OpenAPI document, whose ``service_capacity`` is HSDS 3.1's. The export of the same records:
wayfinder/integrations/two11/tests/test_hsds_31_and_profiles.py."""

from __future__ import annotations

import datetime as dt

import jsonschema
import pytest
from django.utils import timezone
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT202012

from wayfinder.directory import actions
from wayfinder.directory.models import Service
from wayfinder.integrations.two11.tests.strict_formats import checker

from .test_hsds_api import check, directory, get, validators  # noqa: F401 - module fixtures

pytestmark = pytest.mark.django_db


def openapi_service_validator(client) -> jsonschema.Draft202012Validator:
    document = get(client, "/api/hsds/openapi.json")
    registry = Registry().with_resource("urn:hsds-api", Resource.from_contents(document, DRAFT202012))
    return jsonschema.Draft202012Validator(
        {"$ref": "urn:hsds-api#/components/schemas/service"}, registry=registry, format_checker=checker()
    )


def test_each_status_reaches_the_api_and_validates(client, directory, validators):  # noqa: F811
    first_page = [s["id"] for s in get(client, "/api/hsds/services?per_page=4")["contents"]]
    by_id = {str(k): v for k, v in Service.objects.in_bulk(first_page).items()}
    full, waitlist, accepting, untouched = (by_id[i] for i in first_page)
    actions.set_availability(service=full, actor=None, status="full")
    actions.set_availability(service=waitlist, actor=None, status="waitlist", wait_weeks=3)
    actions.set_availability(service=accepting, actor=None, status="accepting")
    by_openapi = openapi_service_validator(client)
    bodies = {s.pk: get(client, f"/api/hsds/services/{s.id}") for s in (full, waitlist, accepting, untouched)}
    for body in bodies.values():
        check(validators["service"], body)
        check(by_openapi, body)

    assert bodies[full.pk]["wait_time"].startswith("Full: not accepting referrals (confirmed ")
    assert bodies[waitlist.pk]["wait_time"].startswith("Waitlist, about 3 weeks (confirmed ")
    assert bodies[accepting.pk]["wait_time"].startswith("Accepting referrals (confirmed ")
    assert bodies[untouched.pk].get("wait_time", "") == (untouched.wait_time or "")  # the feed's own text
    for service in (full, waitlist):
        [capacity] = [c for c in bodies[service.pk]["capacities"] if c["unit"]["name"] == "Referral place"]
        assert capacity["available"] == 0 and capacity["service_id"] == str(service.id)
    for service in (accepting, untouched):  # "accepting" says there is room, not how much
        assert not [c for c in bodies[service.pk].get("capacities", []) if c["unit"]["name"] == "Referral place"]

    listed = {s["id"]: s for s in get(client, "/api/hsds/services?per_page=50")["contents"]}
    assert listed[str(full.id)]["wait_time"] == bodies[full.pk]["wait_time"]
    assert "capacities" not in listed[str(full.id)]  # list items carry the service's own fields
    nested = {s["id"]: s for s in get(client, "/api/hsds/services?full=true&per_page=50")["contents"]}
    assert nested[str(waitlist.id)]["capacities"] == bodies[waitlist.pk]["capacities"]
    organization = get(client, f"/api/hsds/organizations/{full.organization_id}?full_service=true")
    [in_org] = [s for s in organization["services"] if s["id"] == str(full.id)]
    assert in_org["wait_time"] == bodies[full.pk]["wait_time"]


def test_harvesters_asking_for_recent_changes_see_a_new_availability(client, directory):  # noqa: F811
    service = Service.objects.exclude(feed_hash="").order_by("id").first()
    Service.objects.filter(pk=service.pk).update(last_modified=dt.datetime(2020, 1, 1, tzinfo=dt.UTC))
    since = (timezone.now() - dt.timedelta(minutes=5)).isoformat().replace("+", "%2B")
    url = f"/api/hsds/services?modified_after={since}&per_page=200"
    assert str(service.id) not in {s["id"] for s in get(client, url)["contents"]}
    actions.set_availability(service=service, actor=None, status="full")
    [listed] = [s for s in get(client, url)["contents"] if s["id"] == str(service.id)]
    assert listed["wait_time"].startswith("Full: not accepting referrals")
