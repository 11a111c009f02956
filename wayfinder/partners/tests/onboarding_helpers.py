"""Builders for tests that start from an approved claim."""

from __future__ import annotations

from allauth.mfa.totp.internal.auth import TOTP

from wayfinder.partners.services.claims import approve_request, submit_claim

from .helpers import VALID_CLAIM, make_organization

PASSWORD = "a long walk by the Kentucky river"


def approved_claim(reviewer, name: str = "Northside Community Pantry", **claim):
    organization = make_organization(name)
    request = submit_claim(organization, {**VALID_CLAIM, **claim})
    return organization, approve_request(request, reviewer)


def enrol_totp(user, secret: str = "JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP") -> None:  # noqa: S107 - test secret
    TOTP.activate(user, secret)
