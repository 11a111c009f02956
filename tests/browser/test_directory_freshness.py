# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Verified freshness in a real browser (issue #21 item 3).

A service nobody verified for two years is flagged in the reviewers' queue and shown
lower in search; a reviewer's "Verified" puts it back. A visitor reports a problem on a
service page; the organization marks it Being fixed with a reply and a reviewer marks
it Fixed with another, and each reply reaches the reporter through a real SMTP server.
The monthly reminder reaches the partner admin the same way, and its link confirms a
service in one click on a phone, without signing in."""

from __future__ import annotations

import datetime as dt
import re
import shutil

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, message_text
from wayfinder.directory.models import ProblemReport, Service, ServiceVerification
from wayfinder.directory.search import reindex_services
from wayfinder.directory.tests.search_fixtures import live_directory, search_index_dir  # noqa: F401
from wayfinder.referrals.tests.conftest import make_service, org
from wayfinder.scheduling.jobs import JOBS

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

REPORTER = "visitor@example.org"


@pytest.fixture
def own_live_index(live_directory, settings, search_index_dir, tmp_path):
    """The fixture directory with a private copy of its index (this test re-indexes)."""
    path = tmp_path / "index"
    shutil.copytree(search_index_dir, path)
    settings.SEARCH_INDEX_DIR = path
    return live_directory


def result_names(page, live_server) -> list[str]:
    page.goto(f"{live_server.url}/search/?q=food+pantry&where=40507")
    return page.locator("li.result h3.result-name a").all_inner_texts()


def test_a_stale_service_is_flagged_and_ranked_lower(
    live_server, own_live_index, personas, page, sign_in_as, axe_check
):
    before = result_names(page, live_server)
    assert before.index("Community Food Pantry") < before.index("Louisville Food Pantry")

    pantry = own_live_index["pantry-lex"]
    Service.objects.filter(pk=pantry.pk).update(last_verified=timezone.localdate() - dt.timedelta(days=730))
    reindex_services([str(pantry.pk)])
    after = result_names(page, live_server)
    assert after.index("Community Food Pantry") > after.index("Louisville Food Pantry")
    assert set(after) == set(before)  # still found, only lower

    sign_in_as(page, personas["reviewer"])
    page.goto(f"{live_server.url}/partners/review/directory/")
    flagged = page.locator(f'[data-stale-service="{pantry.pk}"]')
    expect(flagged.get_by_role("link", name="Community Food Pantry")).to_be_visible()
    assert axe_check(page) == []
    flagged.get_by_role("button", name="Verified: still correct").click()
    page.get_by_text("Thank you: Community Food Pantry is marked as verified today.").wait_for()
    expect(page.locator(f'[data-stale-service="{pantry.pk}"]')).to_have_count(0)
    assert result_names(page, live_server) == before  # re-indexed at once: back where it was


def test_a_problem_report_through_its_states_with_replies_to_the_reporter(
    live_server, personas, page, sign_in_as, smtp_server, axe_check
):
    service = make_service(org("food_bank"), "Weekly food pantry")

    # A visitor, not signed in, reports wrong hours.
    page.goto(f"{live_server.url}/services/{service.pk}/")
    page.get_by_text("Report a problem with this information").click()
    page.get_by_label("The hours are wrong").check()
    page.get_by_label("Tell us more (optional)").fill("Closed on Fridays now")
    page.get_by_label("Your email or phone, if you want us to follow up (optional)").fill(REPORTER)
    page.get_by_role("button", name="Send report").click()
    page.get_by_text("Thank you. A reviewer will check this service's information.").wait_for()
    report = ProblemReport.objects.get(service=service)
    assert report.status == "new"

    # The food bank's admin sees it in the workspace and starts fixing it.
    sign_in_as(page, personas["food_bank_admin"])
    page.goto(f"{live_server.url}/partners/workspace/organization/")
    card = page.locator(f'[data-problem-report="{report.pk}"]')
    expect(card.get_by_text("Closed on Fridays now")).to_be_visible()
    assert card.locator("[data-state=new]").inner_text() == "New"
    assert axe_check(page) == []
    card.get_by_label("State").select_option("being_fixed")
    card.get_by_label("Reply to the person who reported it (optional)").fill("Thanks, we are updating our hours.")
    card.get_by_role("button", name="Update report").click()
    page.get_by_text("Report updated.").wait_for()
    assert page.locator(f'[data-problem-report="{report.pk}"] [data-state=being_fixed]').inner_text() == "Being fixed"
    [first] = smtp_server.wait_for(1)
    assert first["To"] == REPORTER and "Weekly food pantry" in first["Subject"]
    assert "Being fixed" in message_text(first) and "we are updating our hours" in message_text(first)

    # A reviewer marks it fixed, with a last word to the reporter; it leaves the open lists.
    sign_in_as(page, personas["reviewer"])
    page.goto(f"{live_server.url}/partners/review/directory/")
    card = page.locator(f'[data-problem-report="{report.pk}"]')
    expect(card.locator("[data-state=being_fixed]")).to_be_visible()
    card.get_by_label("State").select_option("fixed")
    card.get_by_label("Reply to the person who reported it (optional)").fill("The hours now say Monday to Thursday.")
    card.get_by_role("button", name="Update report").click()
    page.get_by_text("Report updated.").wait_for()
    expect(page.locator(f'[data-problem-report="{report.pk}"]')).to_have_count(0)
    second = smtp_server.wait_for(2)[1]
    assert second["To"] == REPORTER and "Fixed" in message_text(second)
    assert "Monday to Thursday" in message_text(second)
    report.refresh_from_db()
    assert report.status == "fixed"


def test_still_correct_in_one_click_from_the_monthly_reminder_on_a_phone(
    live_server, settings, personas, phone_page, smtp_server, axe_check
):
    settings.SITE_URL = live_server.url
    service = make_service(org("food_bank"), "Weekly food pantry")
    Service.objects.filter(pk=service.pk).update(last_verified=timezone.localdate() - dt.timedelta(days=200))
    [job] = [job for job in JOBS if job.name == "verification_reminders"]
    assert job.function()() == 1
    [message] = smtp_server.wait_for(1)
    assert message["To"] == personas["food_bank_admin"].email
    link = re.search(r"https?://\S+/partners/still-correct/\S+/", message_text(message)).group(0)

    phone_page.goto(link)  # not signed in
    phone_page.get_by_role("heading", name="Is this still correct?").wait_for()
    expect(phone_page.get_by_text("Weekly food pantry, at Bluegrass Community Food Bank.")).to_be_visible()
    assert axe_check(phone_page) == []
    assert_no_horizontal_scroll(phone_page)
    assert not ServiceVerification.objects.filter(service=service).exists()  # opening it changed nothing
    phone_page.get_by_role("button", name="Still correct").click()
    phone_page.get_by_text("Thank you: Weekly food pantry is marked as verified today.").wait_for()
    [row] = ServiceVerification.objects.filter(service=service)
    assert row.by == personas["food_bank_admin"]
    phone_page.goto(link)
    phone_page.get_by_text("Nothing more to do.").wait_for()
