# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Verified freshness (issue #21 item 3): each service page says when and by whom its
information was last verified; the partner confirms in one click; problem reports
go to the organization and the reviewers with their state and a reply; "this did
not work" is counted per service; services not verified for a year are flagged for
reviewers and ranked lower in search."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core import mail
from django.utils import timezone

from wayfinder.audit.models import AuditEvent
from wayfinder.directory.models import DidNotWork, ProblemReport, Service, ServiceVerification
from wayfinder.referrals.tests.conftest import world  # noqa: F401

from .directory_fixture import sid
from .search_fixtures import directory, own_index, search_index_dir  # noqa: F401

pytestmark = pytest.mark.django_db


def _verified_line(client, service_id) -> str:
    html = client.get(f"/services/{service_id}/").content.decode()
    return re.search(r"<p class=\"muted\" data-verified>(.*?)</p>", html).group(1)


@pytest.fixture
def food_bank_service(personas):
    from wayfinder.referrals.tests.conftest import make_service, org

    service = make_service(org("food_bank"), "Weekly food pantry")
    Service.objects.filter(pk=service.pk).update(last_verified=dt.date(2025, 3, 1))
    return Service.objects.get(pk=service.pk)


def test_the_service_page_says_when_and_by_whom(client, personas, food_bank_service):
    assert (
        _verified_line(client, food_bank_service.pk) == "Information last verified on March 1, 2025 by the 2-1-1 feed."
    )
    client.force_login(personas["food_bank_admin"])
    response = client.post(f"/partners/workspace/organization/services/{food_bank_service.pk}/verify/")
    assert response.status_code == 302
    today = timezone.localdate()
    assert "by the organization" in _verified_line(client, food_bank_service.pk)
    assert Service.objects.get(pk=food_bank_service.pk).last_verified == today
    row = ServiceVerification.objects.get(service=food_bank_service)
    assert row.source == "partner" and row.by == personas["food_bank_admin"]
    assert AuditEvent.objects.filter(action="directory.service_verified", object_id=str(food_bank_service.pk)).exists()

    client.force_login(personas["reviewer"])
    client.post(f"/partners/review/services/{food_bank_service.pk}/verify/")
    assert "by a United Way reviewer" in _verified_line(client, food_bank_service.pk)


def test_only_the_organizations_admins_confirm_its_services(client, personas, food_bank_service):
    path = f"/partners/workspace/organization/services/{food_bank_service.pk}/verify/"
    client.force_login(personas["family_center_staff"])
    assert client.post(path).status_code in (403, 404)
    client.force_login(personas["food_bank_staff"])
    assert client.post(path).status_code == 403
    assert not ServiceVerification.objects.exists()


def test_a_problem_report_goes_through_its_states_with_a_reply(
    client, personas, food_bank_service, django_capture_on_commit_callbacks
):
    client.post(
        f"/services/{food_bank_service.pk}/report/",
        {"kind": "hours", "details": "Closed on Fridays now", "contact": "visitor@example.org"},
    )
    report = ProblemReport.objects.get(service=food_bank_service)
    assert report.status == "new"

    # The organization sees it in its workspace and starts fixing it, telling the reporter.
    client.force_login(personas["food_bank_admin"])
    page = client.get("/partners/workspace/organization/").content.decode()
    assert f'data-problem-report="{report.pk}"' in page and "Closed on Fridays now" in page
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/partners/workspace/organization/problems/{report.pk}/",
            {"status": "being_fixed", "reply": "Thanks, we are updating our hours this week."},
        )
    assert response.status_code == 302
    report.refresh_from_db()
    assert report.status == "being_fixed" and report.replied_at is not None
    [message] = mail.outbox
    assert message.to == ["visitor@example.org"] and "Being fixed" in message.body
    assert "we are updating our hours" in message.body

    # Reviewers see it too, and close it.
    client.force_login(personas["reviewer"])
    assert f'data-problem-report="{report.pk}"' in client.get("/partners/review/directory/").content.decode()
    client.post(f"/partners/review/problems/{report.pk}/", {"status": "fixed"})
    report.refresh_from_db()
    assert report.status == "fixed"
    assert f'data-problem-report="{report.pk}"' not in client.get("/partners/review/directory/").content.decode()
    states = list(
        AuditEvent.objects.filter(action="directory.problem_report_updated", object_id=str(report.pk))
        .order_by("seq")
        .values_list("data", flat=True)
    )
    assert [s["status"] for s in states] == ["being_fixed", "fixed"]


def test_a_report_can_be_rejected_and_a_reply_needs_a_contact(client, personas, food_bank_service):
    client.post(f"/services/{food_bank_service.pk}/report/", {"kind": "phone"})
    report = ProblemReport.objects.get(service=food_bank_service)
    client.force_login(personas["reviewer"])
    client.post(f"/partners/review/problems/{report.pk}/", {"status": "rejected", "reply": "The number is right."})
    report.refresh_from_db()
    assert report.status == "new"  # no contact to reply to: refused, nothing changed
    client.post(f"/partners/review/problems/{report.pk}/", {"status": "rejected"})
    report.refresh_from_db()
    assert report.status == "rejected"


def test_another_organization_cannot_touch_the_report(client, personas, food_bank_service):
    client.post(f"/services/{food_bank_service.pk}/report/", {"kind": "phone"})
    report = ProblemReport.objects.get(service=food_bank_service)
    client.force_login(personas["family_center_staff"])
    assert client.post(f"/partners/workspace/organization/problems/{report.pk}/", {"status": "fixed"}).status_code in (
        403,
        404,
    )
    assert ProblemReport.objects.get(pk=report.pk).status == "new"


def test_this_did_not_work_is_counted_per_service_for_reviewers(client, personas, food_bank_service):
    path = f"/services/{food_bank_service.pk}/did-not-work/"
    assert client.post(path, {"reason": "no_answer"}).status_code == 302
    assert client.post(path, {"reason": "no_answer"}).status_code == 302  # a reload counts once
    other = client.__class__()
    other.post(path, {"reason": "full"})
    assert client.post(path, {"reason": "nonsense"}).status_code == 400
    assert DidNotWork.objects.filter(service=food_bank_service).count() == 2
    client.force_login(personas["reviewer"])
    html = client.get("/partners/review/directory/").content.decode()
    row = html[html.index("Weekly food pantry", html.index("dnw-heading")) :][:600]
    assert ">2<" in row and "Nobody answered or called back: 1" in row and "They had no room or a long wait: 1" in row


def test_a_resident_says_so_on_a_closed_referral(client, world, personas):
    from wayfinder.referrals import actions, closing
    from wayfinder.referrals.tests.conftest import org

    referral = actions.create_referral(
        actor=personas["food_bank_staff"], resident=world.resident, service=world.formula,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    client.force_login(personas["resident"])
    assert "Did this work for you?" not in client.get(f"/referrals/{referral.pk}/").content.decode()
    closing.close_referral(
        actor=personas["family_center_staff"], referral=referral, expected_version=referral.version,
        provided=True, experience="ok",
    )  # fmt: skip
    assert "Did this work for you?" in client.get(f"/referrals/{referral.pk}/").content.decode()
    client.post(f"/services/{world.formula.pk}/did-not-work/", {"reason": "not_eligible", "where": "referral"})
    assert DidNotWork.objects.get(service=world.formula).where == "referral"


# --- a year without verification ----------------------------------------------------------------


def _order(client) -> list[str]:
    html = client.get("/search/", {"q": "food pantry", "where": "40507"}).content.decode()
    names = re.findall(r'<h3 class="result-name"><a href="[^"]+">([^<]+)</a>', html)
    return names


def test_a_stale_service_is_flagged_and_ranked_lower(client, personas, directory, own_index):
    from wayfinder.directory.search import reindex_services

    before = _order(client)
    assert before.index("Community Food Pantry") < before.index("Louisville Food Pantry")
    two_years_ago = timezone.localdate() - dt.timedelta(days=730)
    pantry = directory["pantry-lex"]
    Service.objects.filter(pk=pantry.pk).update(last_verified=two_years_ago)
    reindex_services([str(pantry.pk)])
    after = _order(client)
    assert after.index("Community Food Pantry") > after.index("Louisville Food Pantry")
    assert set(after) == set(before)  # still found, only lower

    client.force_login(personas["reviewer"])
    html = client.get("/partners/review/directory/").content.decode()
    assert f'data-stale-service="{sid("pantry-lex")}"' in html

    # Verified again: back where it was.
    client.post(f"/partners/review/services/{pantry.pk}/verify/")
    reindex_services([str(pantry.pk)])
    assert _order(client) == before
