"""Partner admins add staff, change permission, deactivate (access ends at once) and reactivate."""

import pytest
from django.contrib.sessions.models import Session
from django.test import Client

from wayfinder.accounts.models import Membership
from wayfinder.audit.models import AuditEvent
from wayfinder.notifications.models import OutboundMessage
from wayfinder.partners.models import Invitation

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, personas):
    client.force_login(personas["food_bank_admin"])
    return client


def membership_of(user):
    return Membership.objects.get(user=user)


def test_the_staff_list_is_for_admins_only(client, admin_client, personas):
    html = admin_client.get("/partners/workspace/staff/").content.decode()
    assert "Marcus Hill" in html and "Dana Whitfield" in html
    client.force_login(personas["food_bank_staff"])
    assert client.get("/partners/workspace/staff/").status_code == 403


def test_adding_a_user_sends_the_onboarding_email(admin_client, personas):
    response = admin_client.post(
        "/partners/workspace/staff/add/", {"full_name": "Ana Ruiz", "email": "ana@example.org", "role": "staff"}
    )
    assert response.status_code == 302
    invitation = Invitation.objects.get(email="ana@example.org")
    assert (invitation.role, invitation.organization, invitation.kind) == (
        "staff",
        membership_of(personas["food_bank_admin"]).organization,
        "new_account",
    )
    assert OutboundMessage.objects.filter(to="ana@example.org", kind="partner_welcome").exists()
    assert "ana@example.org" in admin_client.get("/partners/workspace/staff/").content.decode()


def test_adding_someone_already_on_staff_or_with_missing_fields_is_refused(admin_client, personas):
    response = admin_client.post(
        "/partners/workspace/staff/add/",
        {"full_name": "Marcus", "email": personas["food_bank_staff"].email, "role": "staff"},
    )
    assert "already on your staff" in response.content.decode()
    response = admin_client.post("/partners/workspace/staff/add/", {"email": "x@example.org"})
    assert set(response.context["form"].errors) == {"full_name", "role"}
    assert not Invitation.objects.exists()


def test_changing_permission(admin_client, personas):
    member = membership_of(personas["food_bank_staff"])
    admin_client.post(f"/partners/workspace/staff/{member.pk}/", {"role": "admin"})
    member.refresh_from_db()
    assert member.role == "admin"
    assert AuditEvent.objects.filter(action="partner.staff_permission_changed", object_id=str(member.pk)).exists()


def test_the_last_admin_cannot_deactivate_themselves_or_step_down(admin_client, personas):
    me = membership_of(personas["food_bank_admin"])
    response = admin_client.post(f"/partners/workspace/staff/{me.pk}/deactivate/", follow=True)
    assert "You are the last admin" in response.content.decode()
    admin_client.post(f"/partners/workspace/staff/{me.pk}/", {"role": "staff"})
    me.refresh_from_db()
    assert me.is_active and me.role == "admin"


def test_deactivation_ends_access_at_once_and_keeps_history(admin_client, personas):
    staff = personas["food_bank_staff"]
    their_browser = Client()
    their_browser.force_login(staff)
    assert their_browser.get("/partners/workspace/").status_code == 200
    member = membership_of(staff)

    admin_client.post(f"/partners/workspace/staff/{member.pk}/deactivate/")

    member.refresh_from_db()
    staff.refresh_from_db()
    assert not member.is_active and member.deactivated_at is not None
    assert not staff.is_active
    assert not [s for s in Session.objects.all() if s.get_decoded().get("_auth_user_id") == str(staff.pk)]
    assert their_browser.get("/partners/workspace/").status_code == 302
    assert Membership.objects.filter(pk=member.pk).exists()
    assert "Inactive" in admin_client.get("/partners/workspace/staff/").content.decode()

    admin_client.post(f"/partners/workspace/staff/{member.pk}/reactivate/")
    member.refresh_from_db()
    staff.refresh_from_db()
    assert member.is_active and staff.is_active


def test_a_person_with_another_role_keeps_their_account(admin_client, personas):
    from wayfinder.accounts.models import GlobalRole

    staff = personas["food_bank_staff"]
    GlobalRole.objects.create(user=staff, role=GlobalRole.Role.SPECIALIST)
    admin_client.post(f"/partners/workspace/staff/{membership_of(staff).pk}/deactivate/")
    staff.refresh_from_db()
    assert staff.is_active and not membership_of(staff).is_active


def test_another_organizations_staff_are_not_found(admin_client, personas):
    other = membership_of(personas["family_center_staff"])
    assert admin_client.get(f"/partners/workspace/staff/{other.pk}/").status_code == 404
    assert admin_client.post(f"/partners/workspace/staff/{other.pk}/deactivate/").status_code == 404
    other.refresh_from_db()
    assert other.is_active


def test_the_staff_list_does_not_query_per_person(admin_client, personas, django_assert_max_num_queries):
    from wayfinder.accounts.models import User

    organization = membership_of(personas["food_bank_admin"]).organization
    for number in range(15):
        user = User.objects.create_user(f"helper{number}@example.org", None, full_name=f"Helper {number}")
        Membership.objects.create(user=user, organization=organization, role="staff")
    with django_assert_max_num_queries(16):
        html = admin_client.get("/partners/workspace/staff/").content.decode()
    assert "Helper 14" in html
