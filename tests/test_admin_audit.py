"""Django admin writes the audit log too (issue #15): every add, change and delete,
inlines and bulk actions included, with the values before and after; roles change
only through ``grant_role`` / ``revoke_role``, so an audit entry says who granted
which role to whom."""

from __future__ import annotations

import pytest
from django.contrib import admin
from django.test import RequestFactory

from wayfinder.accounts.models import GlobalRole, Membership, User
from wayfinder.audit.admin_mixins import is_audited_or_read_only
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.audit.names import UnknownAction
from wayfinder.demo.personas import ORGANIZATIONS

pytestmark = pytest.mark.django_db


def _entries(action: str, **filters):
    return AuditEvent.objects.filter(action=action, **filters).order_by("seq")


def form_data(response) -> dict:
    """What the browser would send back from an admin change page, unchanged."""
    data: dict = {}

    def add(form):
        for bound in form:
            if bound.field.disabled or bound.name in getattr(form, "_readonly", ()):
                continue
            value = bound.value()
            widget = bound.field.widget
            if hasattr(widget, "decompress") and not isinstance(value, list):
                value = widget.decompress(value)
            if isinstance(value, list | tuple):
                for index, item in enumerate(value):
                    data[f"{bound.html_name}_{index}"] = "" if item is None else item
            elif isinstance(value, bool):
                if value:
                    data[bound.html_name] = "on"
            elif value is not None:
                data[bound.html_name] = value

    adminform = response.context["adminform"]
    add(adminform.form)
    for inline in response.context["inline_admin_formsets"]:
        formset = inline.formset
        add(formset.management_form)
        for form in formset.forms:
            add(form)
    return {key: value for key, value in data.items() if key in _post_names(response)}


def _post_names(response) -> set[str]:
    import re

    return set(re.findall(r'name="([^"]+)"', response.content.decode()))


@pytest.fixture
def sysadmin_client(client, personas):
    client.force_login(personas["system_admin"])
    return client


def test_every_model_in_django_admin_is_audited_or_read_only():
    request = RequestFactory().get("/admin/")
    request.user = User(is_superuser=True, is_staff=True, is_active=True)
    unaudited = []
    for model, model_admin in admin.site._registry.items():
        writable = (
            model_admin.has_add_permission(request)
            or model_admin.has_change_permission(request)
            or model_admin.has_delete_permission(request)
        )
        if writable and not is_audited_or_read_only(model_admin):
            unaudited.append(model._meta.label)
    assert not unaudited, f"admin pages that write without an audit entry: {unaudited}"


def test_a_global_role_granted_in_admin_names_who_whom_and_what(sysadmin_client, personas):
    target = personas["food_bank_staff"]
    response = sysadmin_client.post(
        "/admin/accounts/globalrole/add/", {"user": target.pk, "role": "reviewer", "is_active": "on"}
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert GlobalRole.objects.filter(user=target, role="reviewer", is_active=True).exists()
    [granted] = list(_entries("account.role_granted"))
    assert granted.actor_id == personas["system_admin"].pk  # who
    assert (granted.object_type, granted.object_id) == ("accounts.user", str(target.pk))  # whom
    assert granted.data["role"] == "reviewer" and granted.data["via"] == "django_admin"  # what

    role = GlobalRole.objects.get(user=target, role="reviewer", is_active=True)
    response = sysadmin_client.post(f"/admin/accounts/globalrole/{role.pk}/change/", {})  # untick "active"
    assert response.status_code == 302
    assert not GlobalRole.objects.filter(user=target, role="reviewer", is_active=True).exists()
    [revoked] = list(_entries("account.role_revoked"))
    assert revoked.actor_id == personas["system_admin"].pk and revoked.data["role"] == "reviewer"


def test_a_membership_added_in_admin_is_a_role_grant(sysadmin_client, personas):
    hospital = next(o.id for o in ORGANIZATIONS if o.key == "hospital")
    target = personas["resident"]
    response = sysadmin_client.post(
        "/admin/accounts/membership/add/",
        {"user": target.pk, "organization": str(hospital), "role": "staff", "is_active": "on"},
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Membership.objects.filter(user=target, organization_id=hospital, is_active=True).exists()
    [granted] = list(_entries("account.role_granted"))
    assert granted.data == {
        "role": "staff",
        "user": target.email,
        "organization": str(hospital),
        "via": "django_admin",
    }


def test_making_someone_a_superuser_in_admin_is_audited_with_before_and_after(sysadmin_client, personas):
    target = personas["food_bank_admin"]
    page = sysadmin_client.get(f"/admin/accounts/user/{target.pk}/change/")
    data = form_data(page)
    data.update(is_superuser="on", full_name="Dana Whitfield-Ross")
    response = sysadmin_client.post(f"/admin/accounts/user/{target.pk}/change/", data)
    assert response.status_code == 302, response.context["adminform"].form.errors if response.context else ""
    target.refresh_from_db()
    assert target.is_superuser and target.full_name == "Dana Whitfield-Ross"
    [granted] = list(_entries("account.role_granted", object_id=str(target.pk)))
    assert granted.data["role"] == "superuser" and granted.actor_id == personas["system_admin"].pk
    [changed] = list(_entries("admin.changed", object_id=str(target.pk)))
    assert changed.data["changes"]["full_name"] == {"before": "Dana Whitfield", "after": "Dana Whitfield-Ross"}
    assert changed.data["changes"]["is_superuser"] == {"before": False, "after": True}


def test_directory_edits_and_deletes_in_admin_keep_the_values_before(sysadmin_client, personas):
    from wayfinder.directory.models import Organization, Phone, Service

    organization = Organization.objects.create(name="Old Name Pantry")
    service = Service.objects.create(organization=organization, name="Pantry")
    phone = Phone.objects.create(service=service, number="859-555-0101")
    page = sysadmin_client.get(f"/admin/directory/organization/{organization.pk}/change/")
    data = form_data(page)
    data["name"] = "New Name Pantry"
    assert sysadmin_client.post(f"/admin/directory/organization/{organization.pk}/change/", data).status_code == 302
    [changed] = list(_entries("admin.changed", object_id=str(organization.pk)))
    assert changed.data["changes"] == {"name": {"before": "Old Name Pantry", "after": "New Name Pantry"}}
    assert changed.purpose == "django_admin"

    response = sysadmin_client.post(f"/admin/directory/phone/{phone.pk}/delete/", {"post": "yes"})
    assert response.status_code == 302
    [deleted] = list(_entries("admin.deleted", object_id=str(phone.pk)))
    assert deleted.data["before"]["number"] == "859-555-0101"


def test_a_bulk_action_in_admin_is_audited_per_object(sysadmin_client, personas):
    from allauth.account.models import EmailAddress

    address = EmailAddress.objects.create(user=personas["resident"], email="amy.other@example.org", verified=False)
    response = sysadmin_client.post(
        "/admin/account/emailaddress/", {"action": "make_verified", "_selected_action": [address.pk]}
    )
    assert response.status_code == 302
    [entry] = list(_entries("admin.changed", object_id=str(address.pk)))
    assert entry.data["bulk_action"] == "make_verified"


def test_the_audit_log_refuses_a_free_text_action_name(personas):
    with pytest.raises(UnknownAction):
        log_action(personas["system_admin"], "something.made_up")
    assert not AuditEvent.objects.filter(action="something.made_up").exists()
