"""The one access layer (wayfinder/accounts/access.py): who a person acts for, and
one audit entry for every refusal, written centrally."""

from __future__ import annotations

import pytest
from django.utils import timezone

from wayfinder.accounts.access import acting_organization, onboarded_organization
from wayfinder.accounts.models import Membership
from wayfinder.accounts.roles import forget_cached_roles
from wayfinder.audit.models import AuditEvent
from wayfinder.demo.personas import DEMO_PASSWORD, ORGANIZATIONS, persona
from wayfinder.directory.models import Organization

pytestmark = pytest.mark.django_db


def _org(key: str) -> Organization:
    return Organization.objects.get(pk=next(o.id for o in ORGANIZATIONS if o.key == key))


def _denials():
    return AuditEvent.objects.filter(action="access.denied").order_by("seq")


def test_a_person_in_several_organizations_acts_for_the_first_onboarded_one(personas):
    shelter_staff = personas["shelter_staff"]
    assert acting_organization(shelter_staff) == _org("shelter")  # not onboarded: still where they work
    assert onboarded_organization(shelter_staff) is None

    # A later membership in an onboarded organization wins over an earlier one that is not.
    Membership.objects.create(
        user=shelter_staff, organization=_org("hospital"), role="staff", created_at=timezone.now()
    )
    forget_cached_roles(shelter_staff)
    assert acting_organization(shelter_staff) == _org("hospital")

    # Among onboarded organizations, the earliest-joined one.
    staff = personas["food_bank_staff"]
    Membership.objects.create(user=staff, organization=_org("hospital"), role="staff", created_at=timezone.now())
    forget_cached_roles(staff)
    assert acting_organization(staff) == _org("food_bank")


def test_another_organizations_object_is_a_404_and_the_refusal_is_audited(client, personas):
    from wayfinder.partners.models import Favorite
    from wayfinder.referrals.tests.conftest import make_service

    favorite = Favorite.objects.create(
        organization=_org("family_center"), service=make_service(_org("family_center"), "Diapers")
    )
    client.force_login(personas["food_bank_staff"])
    before = _denials().count()
    assert client.post(f"/partners/workspace/favorites/{favorite.pk}/remove/").status_code == 404
    [denial] = list(_denials()[before:])
    assert denial.outcome == "denied"
    assert denial.actor_id == personas["food_bank_staff"].pk
    assert denial.data["status"] == 404 and denial.data["kind"] == "favorite" and denial.data["id"] == str(favorite.pk)
    assert denial.purpose == "partners:favorite_remove"
    assert Favorite.objects.filter(pk=favorite.pk).exists()


def test_a_refused_role_is_a_403_and_audited_once(client, personas):
    client.force_login(personas["food_bank_staff"])
    before = _denials().count()
    assert client.get("/partners/review/").status_code == 403
    [denial] = list(_denials()[before:])
    assert denial.data["status"] == 403 and "reviewer" in denial.data["reason"]


def test_anonymous_refusals_do_not_grow_the_audit_log(client):
    before = AuditEvent.objects.count()
    client.get("/clients/search/")  # sent to sign in
    client.post("/sms/inbound/", {"From": "+18595550100", "Body": "YES 1234"})
    assert AuditEvent.objects.count() == before


def test_a_throttled_sign_in_is_audited(client, personas):
    email = persona("resident").email
    for _ in range(5):
        client.post("/accounts/login/", {"login": email, "password": "wrong-password-1"})
    client.post("/accounts/login/", {"login": email, "password": DEMO_PASSWORD})
    throttled = AuditEvent.objects.filter(action="account.sign_in_throttled")
    assert throttled.count() == 1
    assert throttled.get().outcome == "denied" and throttled.get().data["email"] == email


def test_the_pending_second_step_and_a_wrong_code_are_audited(client, personas):
    from wayfinder.demo.personas import current_demo_code

    staff = personas["food_bank_staff"]
    response = client.post("/accounts/login/", {"login": staff.email, "password": DEMO_PASSWORD})
    assert response["Location"].startswith("/accounts/2fa/authenticate/")
    pending = AuditEvent.objects.filter(action="account.mfa_pending", actor_id=staff.pk)
    assert pending.count() == 1

    right = current_demo_code(staff.email)
    wrong = f"{(int(right) + 1) % 1_000_000:06d}"
    client.post("/accounts/2fa/authenticate/", {"code": wrong})
    failed = AuditEvent.objects.filter(action="account.mfa_failed", actor_id=staff.pk)
    assert failed.count() == 1 and failed.get().outcome == "failure"
    assert "_auth_user_id" not in client.session
