"""Every signed-in page, in English and Spanish, on a 375 px phone (issue #14, item 12):
axe-core finds no serious or critical WCAG 2.1 A/AA violation, nothing scrolls
sideways, no word breaks in the middle, no two buttons run together.

One browser, one sign-in per persona (a session cookie reused for both languages),
one page load per page and language: the pages of onboarding, the workspace, the
inbox, referral detail and close, client search and record, consent, the
specialists' queue, the reviewer queue and My Plan, and the links residents get.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.conf import settings
from django.test import Client
from django.utils import timezone

from tests.browser.layout_checks import broken_words, horizontal_overflow, run_together
from wayfinder.demo.residents import AMY_RESIDENT_ID

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

AMY = AMY_RESIDENT_ID


def build_world(personas) -> dict[str, list[tuple[str, str]]]:
    """The data the pages need, and the pages each persona opens: {persona: [(name, path)]}."""
    from allauth.mfa.totp.internal.auth import TOTP

    from wayfinder.accounts.models import Membership, User
    from wayfinder.consent import actions as consent_actions
    from wayfinder.consent import verification
    from wayfinder.consent.statements import VERBAL_STATEMENTS
    from wayfinder.consent.tests.conftest import consent_request_data
    from wayfinder.partners.content import TRAINING_SLUGS
    from wayfinder.partners.models import Favorite, OnboardingProgress
    from wayfinder.partners.services.claims import submit_claim
    from wayfinder.partners.services.onboarding import accept_agreement
    from wayfinder.partners.tests.helpers import VALID_CLAIM, make_organization
    from wayfinder.referrals import actions, closing, followups
    from wayfinder.referrals.models import FollowUp
    from wayfinder.referrals.tests.conftest import make_service, org

    staff, receiver = personas["food_bank_staff"], personas["family_center_staff"]
    amy = personas["resident"].resident
    formula = make_service(org("family_center"), "Free infant formula")
    child_care = make_service(org("family_center"), "Child care referrals")
    beds = make_service(org("shelter"), "Emergency overnight shelter")
    pantry = make_service(org("food_bank"), "Weekly food pantry")
    for position, service in enumerate((formula, child_care)):
        Favorite.objects.create(organization=org("food_bank"), service=service, position=position)

    def refer(service, days_ago=0):
        return actions.create_referral(
            actor=staff, resident=amy, service=service, sending_organization=org("food_bank"),
            note="Working part time; needs baby supplies.", now=timezone.now() - timedelta(days=days_ago),
        )  # fmt: skip

    open_referral = refer(formula, days_ago=9)
    closed = refer(child_care, days_ago=5)
    closing.close_referral(
        actor=receiver, referral=closed, expected_version=1, provided=False, reason="unable_to_reach",
        experience="Three calls", now=timezone.now() - timedelta(days=3),
    )  # fmt: skip
    to_shelter = refer(beds, days_ago=15)
    followups.run_followups()
    confirm = FollowUp.objects.get(referral=closed, kind=FollowUp.Kind.CONFIRM_WITH_RESIDENT)
    followups.record_outreach(
        specialist=personas["specialist"], follow_up=confirm, method="phone", result="no_answer", notes="Try Monday"
    )

    claim = submit_claim(make_organization("Northside Community Pantry"), VALID_CLAIM)
    # Two people in final onboarding: one at the user agreement, one at the trainings.
    newcomers = (("newcomer", "nia@bluegrassfoodbank.example"), ("newcomer_trainings", "ola@bluegrassfoodbank.example"))
    for key, email in newcomers:
        newcomer = User.objects.create_user(email, "a long passphrase 1", full_name=key.title())
        Membership.objects.create(user=newcomer, organization=org("food_bank"), role="staff")
        OnboardingProgress.objects.create(user=newcomer)
        TOTP.activate(newcomer, "JBSWY3DPEHPK3PXP")
        personas[key] = newcomer
    accept_agreement(personas["newcomer_trainings"])
    # And one at the first step, setting up MFA.
    newcomer = User.objects.create_user("pat@bluegrassfoodbank.example", "a long passphrase 1", full_name="Pat New")
    Membership.objects.create(user=newcomer, organization=org("food_bank"), role="staff")
    OnboardingProgress.objects.create(user=newcomer)
    personas["newcomer_mfa"] = newcomer

    # A consent request by email from the family center (no consent yet): its link.
    client = Client()
    client.force_login(receiver)
    client.post(f"/consent/request/{AMY}/", consent_request_data(amy, "email"))
    consent_link = link_sent("r")
    # An address the family center typed, and the link that asks the resident whether it is hers.
    verification.add_contact_for_confirmation(
        resident=amy, organization=org("family_center"), actor=receiver, kind="email", value="amy.new@example.test"
    )
    verify_link = link_sent("v")
    # Verbal consent to the hospital: the resident's confirmation carries a one-click revocation.
    consent_actions.record_verbal_consent(
        resident=amy, organization=org("hospital"), actor=personas["hospital_user"],
        acknowledged=[code for code, _text in VERBAL_STATEMENTS],
    )  # fmt: skip
    revoke_link = link_sent("x")

    staff_member = Membership.objects.get(user=staff, organization=org("food_bank"))
    referral_steps = f"/referrals/new/{AMY}/"
    return {
        "newcomer_mfa": [("MFA set-up", "/accounts/2fa/totp/activate/")],
        "newcomer": [("agreement", "/partners/onboarding/agreement/")],
        "newcomer_trainings": [("trainings", "/partners/onboarding/training/")]
        + [(f"training {slug}", f"/partners/onboarding/training/{slug}/") for slug in TRAINING_SLUGS],
        "food_bank_admin": [
            ("dashboard", "/partners/workspace/"),
            ("organization", "/partners/workspace/organization/"),
            ("organization edit", "/partners/workspace/organization/edit/"),
            ("location add", "/partners/workspace/organization/locations/new/"),
            ("service add", "/partners/workspace/organization/services/new/"),
            ("service edit", f"/partners/workspace/organization/services/{pantry.pk}/"),
            ("favorites", "/partners/workspace/favorites/"),
            ("staff", "/partners/workspace/staff/"),
            ("staff add", "/partners/workspace/staff/add/"),
            ("staff detail", f"/partners/workspace/staff/{staff_member.pk}/"),
            ("notifications", "/referrals/notifications/"),
            ("my account", "/accounts/home/"),
            ("two-factor", "/accounts/2fa/"),
            ("recovery codes", "/accounts/2fa/recovery-codes/"),
        ],
        "food_bank_staff": [
            ("outbox", "/referrals/sent/"),
            ("outbox filtered", "/referrals/sent/?status=closed&client=amy"),
            ("referral as sender", f"/referrals/{open_referral.pk}/"),
            ("client search", "/clients/?first_name=amy&last_name=brand&date_of_birth=1988-04-12"),
            ("client record, full", f"/clients/{AMY}/"),
            ("new client", "/clients/new/"),
            ("referral: organization", f"{referral_steps}?q=family"),
            ("referral: service", f"{referral_steps}?org={formula.organization_id}"),
            ("referral: confirm, duplicate", f"{referral_steps}?org={formula.organization_id}&service={formula.pk}"),
            ("forbidden", "/partners/workspace/staff/"),
            ("not found", "/clients/00000000-0000-4000-8000-000000000000/"),
        ],
        "family_center_staff": [
            ("dashboard", "/partners/workspace/"),
            ("inbox", "/referrals/inbox/"),
            ("referral as receiver", f"/referrals/{open_referral.pk}/"),
            ("close", f"/referrals/{open_referral.pk}/close/"),
            ("client record, limited", f"/clients/{AMY}/"),
            ("consent request", f"/consent/request/{AMY}/"),
            ("verbal consent", f"/consent/verbal/{AMY}/"),
            ("add a contact", f"/consent/contact/{AMY}/"),
        ],
        "specialist": [
            ("follow-ups", "/referrals/follow-ups/"),
            ("follow-up: confirm with resident", f"/referrals/follow-ups/{confirm.pk}/"),
            ("specialist close", f"/referrals/{to_shelter.pk}/specialist-close/"),
            ("referral as specialist", f"/referrals/{closed.pk}/"),
        ],
        "reviewer": [
            ("review queue", "/partners/review/"),
            ("review detail", f"/partners/review/{claim.pk}/"),
            ("partner edits", "/partners/review/partner-edits/"),
        ],
        "system_admin": [("access log export", "/clients/access-log/")],
        "resident": [
            ("my plan", "/my-plan/"),
            ("consents", "/my-plan/consents/"),
            ("who viewed", "/my-plan/who-viewed/"),
            ("privacy", "/my-plan/privacy/"),
            ("exchange sharing", "/my-plan/health-information-exchange/"),
            ("referral as resident", f"/referrals/{closed.pk}/"),
            ("self-referral", f"/referrals/self/{pantry.pk}/"),
            ("consent link", consent_link),
            ("contact confirmation link", verify_link),
            ("revocation link", revoke_link),
        ],
    }


def link_sent(kind: str) -> str:
    """The newest one-time link of ``kind`` (r: consent request, v: contact check,
    x: revocation) emailed, as a path (the outbox row itself no longer holds it once
    delivered)."""
    from django.core import mail

    found = [re.search(rf"/consent/{kind}/([^/\s]+)/", message.body) for message in reversed(mail.outbox)]
    return next(f"/consent/{kind}/{match.group(1)}/" for match in found if match)


def session_cookie(live_server, user) -> dict:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME]
    return {"name": cookie.key, "value": cookie.value, "url": live_server.url}


def test_signed_in_pages_are_accessible_and_fit_a_phone(live_server, personas, browser_instance, axe_check):
    pages = build_world(personas)
    sessions = {key: session_cookie(live_server, personas[key]) for key in pages}
    context = browser_instance.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=1, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(20_000)
    problems: list[str] = []
    checked = 0
    try:
        for language in ("en", "es"):
            for key, urls in pages.items():
                context.clear_cookies()
                context.add_cookies(
                    [sessions[key], {"name": settings.LANGUAGE_COOKIE_NAME, "value": language, "url": live_server.url}]
                )
                for name, path in urls:
                    response = page.goto(live_server.url + path)
                    label = f"[{language}] {key}: {name} ({path})"
                    checked += 1
                    expected = 403 if name == "forbidden" else 404 if name == "not found" else 200
                    if response.status != expected:
                        problems.append(f"{label}: HTTP {response.status}")
                        continue
                    if page.url != live_server.url + path:
                        problems.append(f"{label}: sent on to {page.url}, so the page itself was not checked")
                        continue
                    if page.get_attribute("html", "lang") != language:
                        problems.append(f"{label}: lang={page.get_attribute('html', 'lang')}")
                    for violation in axe_check(page):
                        problems.append(f"{label}: axe {violation['id']} ({violation['impact']}) {violation['nodes']}")
                    if overflow := horizontal_overflow(page):
                        problems.append(f"{label}: scrolls sideways {overflow}")
                    if words := broken_words(page):
                        problems.append(f"{label}: words broken mid-word {words[:8]}")
                    if together := run_together(page):
                        problems.append(f"{label}: controls run together {together[:4]}")
    finally:
        context.close()
    assert checked >= 90
    assert not problems, "\n".join(problems)
