"""Daily work as a newcomer met it in the browser (issue #14): Submit, Back, Submit
makes one referral; the inbox shows its list first with the filters folded behind a
toggle that says it opens; a resident confirms her self-referral with a note; My Plan's
sub-menu is one row and its referrals are cards without stray bullets."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.referrals.models import Referral
from wayfinder.referrals.tests.conftest import make_service, org

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_submit_back_submit_makes_one_referral(live_server, personas, page, sign_in_as):
    formula = make_service(org("family_center"), "Free infant formula")
    sign_in_as(page, personas["food_bank_staff"])
    page.goto(f"{live_server.url}/referrals/new/{AMY_RESIDENT_ID}/?org={formula.organization_id}&service={formula.pk}")
    page.get_by_label("Note for the receiving organization (optional)").fill("Needs formula this week")
    page.get_by_role("button", name="Submit referral").click()
    page.get_by_text("Referral sent to Lexington Family Resource Center.").wait_for()

    page.go_back()
    page.get_by_role("button", name="Submit referral").click()
    page.wait_for_load_state()
    assert Referral.objects.count() == 1
    # Either the browser showed the same form again (its token finds the referral already
    # made) or it fetched a fresh one (which warns that an open referral exists).
    body = page.locator("main").inner_text()
    assert "This referral was already sent on" in body or "already has an open referral to this service" in body


def test_the_inbox_shows_its_list_before_folded_filters(live_server, personas, page, sign_in_as):
    from wayfinder.referrals import actions

    formula = make_service(org("family_center"), "Free infant formula")
    actions.create_referral(
        actor=personas["food_bank_staff"], resident=personas["resident"].resident, service=formula,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    sign_in_as(page, personas["family_center_staff"])
    page.emulate_media(reduced_motion="reduce")  # the arrow turns at once, not over .15 s
    page.goto(f"{live_server.url}/referrals/inbox/")
    row = page.get_by_role("link", name="Amy Brand")
    assert row.is_visible() and row.bounding_box()["y"] < 900  # in the first screen
    assert not page.get_by_label("Sent on or after").is_visible()  # folded away
    toggle = page.locator("details.filters > summary")
    cue = page.evaluate(
        "s => [getComputedStyle(s, '::before').borderRightStyle, getComputedStyle(s, '::before').transform]",
        toggle.element_handle(),
    )
    assert cue[0] == "solid"  # an arrow is drawn
    toggle.click()
    expect(page.get_by_label("Sent on or after")).to_be_visible()
    opened = page.evaluate("s => getComputedStyle(s, '::before').transform", toggle.element_handle())
    assert opened != cue[1]  # and it turns when the filters open
    page.get_by_label("Client name").fill("Bradn")  # a typo
    page.get_by_role("button", name="Show referrals").click()
    expect(page.get_by_role("link", name="Amy Brand")).to_be_visible()


def test_a_resident_confirms_her_self_referral_with_a_note(live_server, personas, page, sign_in_as):
    pantry = make_service(org("food_bank"), "Weekly food pantry")
    sign_in_as(page, personas["resident"])
    page.goto(f"{live_server.url}/services/{pantry.pk}/")
    page.get_by_role("button", name="Refer myself to this service").click()
    page.get_by_role("heading", name="Refer yourself to Weekly food pantry").wait_for()
    assert not Referral.objects.exists()  # one click no longer sends anything
    expect(page.get_by_text("(859) 555-0142")).to_be_visible()
    page.get_by_label("Anything they should know? (optional)").fill("I can come after 3 pm.")
    page.get_by_role("button", name="Send my referral").click()
    page.get_by_text("You referred yourself to Bluegrass Community Food Bank.").wait_for()
    assert Referral.objects.get().note == "I can come after 3 pm."


MY_PLAN_LAYOUT = r"""
() => {
  const links = [...document.querySelectorAll('nav.subnav a')].map(a => a.getBoundingClientRect());
  const nav = document.querySelector('nav.subnav').getBoundingClientRect();
  // A list marker on a sub-menu link or a referral card (the bullets that sat outside the
  // cards); ordinary bulleted lists of text (needs, consents) keep theirs.
  const bullets = [...document.querySelectorAll('main nav.subnav li, main .card-list > li')]
    .filter(li => getComputedStyle(li).display === 'list-item' && getComputedStyle(li).listStyleType !== 'none'
                  && li.getBoundingClientRect().height > 0)
    .map(li => li.innerText.trim().slice(0, 40));
  // Horizontal rules and bordered boxes narrower than the nav that sit between it and the content.
  const cards = [...document.querySelectorAll('main .card-list > li')];
  const outside = cards.filter(card => [...card.children].some(child => {
    const c = child.getBoundingClientRect(), box = card.getBoundingClientRect();
    return c.left < box.left || c.right > box.right + 0.5;
  })).length;
  return {
    rows: new Set(links.map(r => Math.round(r.top))).size,
    linkCount: links.length,
    navWidth: nav.width,
    bullets,
    cards: cards.length,
    cardsWithContentOutside: outside,
    rules: [...document.querySelectorAll('main hr')].filter(hr => hr.getBoundingClientRect().height > 0).length,
  };
}
"""


def test_my_plan_menu_is_a_row_and_referrals_are_cards_without_bullets(live_server, personas, page, sign_in_as):
    """Issue #14 item 10: My Plan's sub-menu stacked full width with a stray line and
    its referrals' bullets sat outside their cards."""
    from wayfinder.referrals import actions

    formula = make_service(org("family_center"), "Free infant formula")
    actions.create_referral(
        actor=personas["food_bank_staff"], resident=personas["resident"].resident, service=formula,
        sending_organization=org("food_bank"),
    )  # fmt: skip
    page.set_viewport_size({"width": 1280, "height": 900})
    sign_in_as(page, personas["resident"])
    page.goto(f"{live_server.url}/my-plan/")
    layout = page.evaluate(MY_PLAN_LAYOUT)
    # Six links (the exchange adds "Sharing with my doctors"): rows of links on a desktop, never one per line.
    assert layout["linkCount"] == 6 and layout["rows"] <= 2, layout
    assert layout["cards"] >= 1 and layout["cardsWithContentOutside"] == 0, layout
    assert layout["bullets"] == [] and layout["rules"] == 0, layout
