"""A hospital social worker with the patient's consent completes the AHC HRSN: the
record shows the first-assessment banner before, and after it the needs with their
source and date, and no banner. Bad input in the browser stores nothing."""

from __future__ import annotations

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from wayfinder.assessments.models import Assessment
from wayfinder.assessments.tests.conftest import AMY, give_consent, org
from wayfinder.residents.models import Resident, SdohNeed

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CORE = [
    {"71802-3": "LA31994-9", "96778-6": "LA9-3"},
    {"88122-7": "LA28398-8", "88123-5": "LA28398-8"},
    {"93030-5": "LA33-6"},
    {"96779-4": "LA32-8"},
    {"95618-5": "LA10066-1", "95617-7": "LA6270-8", "95616-9": "LA6270-8", "95615-1": "LA6270-8"},
    {"ask-supplemental": "false"},
]


def tap(page, link_id: str, value: str) -> None:
    page.locator(f'label:has(input[name="a-{link_id}"][value="{value}"])').click()


def answer(page, screens) -> None:
    for answers in screens:
        for link_id, value in answers.items():
            tap(page, link_id, value)
        page.get_by_role("button", name="Next").click()


@pytest.fixture
def social_worker(live_server, personas, page, sign_in_as):
    give_consent(Resident.objects.get(pk=AMY), org("hospital"))
    sign_in_as(page, personas["hospital_user"])
    return page


def test_a_hospital_social_worker_completes_the_ahc_and_the_record_shows_the_needs(
    live_server, social_worker, axe_check
):
    page = social_worker
    page.goto(f"{live_server.url}/clients/{AMY}/")
    banner = page.locator("[data-first-assessment-banner]")
    assert banner.inner_text() == "Amy is due for a first needs assessment."
    assert axe_check(page) == [], "record before"
    page.get_by_role("link", name="Start AHC HRSN screening").click()
    page.get_by_role("button", name="Start").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Living situation")
    assert axe_check(page) == [], "first AHC screen"
    answer(page, CORE)
    expect(page.get_by_role("heading", level=1)).to_have_text("Review and submit")
    for text in ("Housing instability", "Transportation problems", "Reported being physically hurt"):
        expect(page.get_by_text(text).first).to_be_visible()
    assert axe_check(page) == [], "review"
    page.get_by_role("button", name="Submit assessment").click()

    expect(page.get_by_text("Assessment saved. Needs recorded: 2.")).to_be_visible()
    expect(page.locator("[data-first-assessment-banner]")).to_have_count(0)
    today = timezone.localdate().isoformat()
    expect(
        page.get_by_text(f"Last assessment: {today}, from AHC HRSN screening, Bluegrass Regional Hospital.")
    ).to_be_visible()
    needs = page.locator('[data-section="needs"] .need-list').first
    housing = needs.locator('[data-need="housing"]')
    assert "AHC HRSN screening 1.0.0, Bluegrass Regional Hospital (Priya Raman), " + today in housing.inner_text()
    expect(needs.locator('[data-need="transportation"]')).to_be_visible()
    expect(page.get_by_text("Follow up")).to_be_visible()
    assert axe_check(page) == [], "record after"
    assessment = Assessment.objects.get()
    assert assessment.organization == org("hospital") and assessment.follow_up
    assert set(SdohNeed.objects.values_list("domain", flat=True)) == {"housing", "transportation"}


def test_bad_input_in_the_browser_stores_nothing(live_server, social_worker):
    page = social_worker
    base = f"{live_server.url}/assessments/clients/{AMY}/ahc-hrsn/"
    page.goto(base)
    page.get_by_role("button", name="Start").click()
    # A required answer missing.
    tap(page, "71802-3", "LA31993-1")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("Please answer this question, or choose “Declined to answer”.")).to_be_visible()
    # An answer not among the options (the page's value edited).
    page.locator('input[name="a-96778-6"][value="LA9-3"]').evaluate(
        "el => { el.value = 'LA0000-0'; el.checked = true; }"
    )
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("“LA0000-0” is not one of the answers to this question.")).to_be_visible()
    # A tampered linkId.
    page.evaluate(
        "() => { const i = document.createElement('input'); i.type = 'hidden'; i.name = 'a-95618-5';"
        " i.value = 'LA6482-9'; document.querySelector('form.assessment-form').appendChild(i); }"
    )
    tap(page, "71802-3", "LA31993-1")
    tap(page, "96778-6", "LA9-3")
    page.get_by_role("button", name="Next").click()
    expect(
        page.get_by_text("The answers sent do not match the questions on this page. Nothing was saved.")
    ).to_be_visible()
    # A questionnaire version that no longer exists.
    page.goto(base + "1/")
    page.locator('input[name="version"]').evaluate("el => el.value = '0.9-gone'")
    tap(page, "71802-3", "LA31993-1")
    tap(page, "96778-6", "LA9-3")
    page.get_by_role("button", name="Next").click()
    expect(page.get_by_text("This version of the questionnaire no longer exists")).to_be_visible()
    assert not Assessment.objects.exists() and not SdohNeed.objects.exists()
    # A double submit: the review form sent twice stores one assessment.
    page.get_by_role("link", name="Back to the start").click()
    page.get_by_role("button", name="Start").click()
    answer(page, [{"71802-3": "LA31993-1", "96778-6": "LA9-3"}, *CORE[1:]])
    # The same form goes out twice (a double tap): first in the background, then by the button.
    status = page.evaluate(
        "async () => { const form = document.querySelector('form[method=post].card');"
        " const sent = await fetch(form.action, {method: 'POST', body: new FormData(form), redirect: 'manual'});"
        " return sent.type; }"
    )
    assert status == "opaqueredirect"
    page.get_by_role("button", name="Submit assessment").click()
    expect(page.get_by_text("This assessment was already saved.")).to_be_visible()
    assert Assessment.objects.count() == 1
