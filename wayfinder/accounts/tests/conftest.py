"""Fixtures of the account tests."""

import pytest

from wayfinder.accounts.models import Membership, User
from wayfinder.directory.models import Organization


@pytest.fixture
def new_staff(db):
    from allauth.account.models import EmailAddress

    organization = Organization.objects.create(name="Rural Outreach Ministries", description="Food and clothing")
    user = User.objects.create_user("new.staff@example.org", "correct horse battery", full_name="New Staff")
    EmailAddress.objects.create(user=user, email=user.email, verified=True, primary=True)
    Membership.objects.create(user=user, organization=organization, role=Membership.Role.STAFF)
    return user
