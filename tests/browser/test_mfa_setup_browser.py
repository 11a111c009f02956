"""A new staff member sets up MFA in Debian's chromium (issue #14 item 1) while the
browser fetches the favicon on its own and a second tab opens set-up too: the QR
code and key stay the same, the first code works, and the flow goes on."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from conftest import assert_no_horizontal_scroll, fresh_totp_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PASSWORD = "a long walk by the Kentucky river"


@pytest.fixture
def new_staff(db):
    from allauth.account.models import EmailAddress

    from wayfinder.accounts.models import Membership, User
    from wayfinder.directory.models import Organization

    organization = Organization.objects.create(name="Rural Outreach Ministries", description="Food and clothing")
    user = User.objects.create_user("new.staff@example.org", PASSWORD, full_name="Nora Staff")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.STAFF)
    return user


def test_a_new_staff_member_sets_up_mfa_while_the_favicon_is_fetched(live_server, new_staff, page, axe_check):
    base = live_server.url
    favicon_answers: list[tuple[str, int]] = []
    page.on(
        "response",
        lambda response: favicon_answers.append((response.url, response.status)) if "favicon" in response.url else None,
    )
    page.goto(f"{base}/accounts/login/?next=/accounts/home/")
    page.get_by_label("Email").fill(new_staff.email)
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Sign In").click()

    # Straight to set-up: no second password prompt seconds after signing in.
    page.wait_for_url("**/accounts/2fa/totp/activate/")
    expect(page.get_by_role("heading", name="Set up two-factor authentication")).to_be_visible()
    assert page.locator("[aria-current=step]").inner_text() == "Connect your authenticator app"
    secret = page.locator("#authenticator_secret").input_value()
    qr_code = page.locator(".totp-setup img").get_attribute("src")
    assert axe_check(page) == [], "set-up"

    # What browsers do on their own: the favicon (as an image, by fetch, as a page)...
    assert page.evaluate("fetch('/favicon.ico').then(r => r.status)") == 200
    assert (
        page.evaluate(
            "new Promise(ok => { const i = new Image(); i.onload = () => ok(i.naturalWidth);"
            " i.onerror = () => ok(0); i.src = '/favicon.ico?' + Date.now(); })"
        )
        > 0
    )
    # ... and a second tab on set-up.
    second_tab = page.context.new_page()
    second_tab.goto(f"{base}/favicon.ico")
    second_tab.goto(f"{base}/accounts/2fa/totp/activate/")
    assert second_tab.locator("#authenticator_secret").input_value() == secret
    second_tab.close()
    assert any(status == 200 for _url, status in favicon_answers)

    page.reload()
    assert page.locator("#authenticator_secret").input_value() == secret
    assert page.locator(".totp-setup img").get_attribute("src") == qr_code

    page.get_by_label("Authenticator code").fill(fresh_totp_code(secret))
    page.get_by_role("button", name="Activate").click()
    page.wait_for_url("**/accounts/2fa/recovery-codes/")
    assert page.locator("[aria-current=step]").inner_text() == "Save your recovery codes"
    expect(page.locator(".recovery-codes li")).to_have_count(10)
    assert axe_check(page) == [], "recovery codes"
    assert_no_horizontal_scroll(page)

    page.get_by_role("link", name="I have saved my codes: continue").click()
    page.wait_for_url("**/accounts/home/")
    expect(page.get_by_role("heading", name="Welcome, Nora Staff")).to_be_visible()
