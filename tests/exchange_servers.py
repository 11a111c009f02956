"""Fixtures: the real state identity provider and the development exchange portal.

Both are real servers on loopback, each in a background thread of the test
process (``wayfinder.demo.servers``), started once per test session; each test
that uses them points the settings at them (``state_sso``, ``exchange``).
Registered as a plugin by the root conftest.
"""

from __future__ import annotations

import copy
import secrets
from collections.abc import Iterator
from dataclasses import dataclass

import pytest
import requests

from wayfinder.demo import exchange_data

SSO_CLIENT_ID = "wayfinder-tests"
SSO_CLIENT_SECRET = secrets.token_urlsafe(16)
EXCHANGE_NAME = "Kentucky Health Information Exchange"
EXCHANGE_CLIENT_ID = "wayfinder-launch-tests"
EXCHANGE_CLIENT_SECRET = secrets.token_urlsafe(16)


@dataclass
class IdentityProvider:
    url: str

    def set_account(self, sub: str, claims: dict[str, object]) -> None:
        """Create or replace a state account (the provider's own admin API)."""
        response = requests.put(f"{self.url}/users/{sub}", json=claims, timeout=5)
        response.raise_for_status()


@pytest.fixture(scope="session")
def _identity_provider_server() -> Iterator[IdentityProvider]:
    from conftest import free_port
    from wayfinder.demo.servers import demo_identity_provider, serve_in_thread

    with serve_in_thread(demo_identity_provider(), free_port(), host="localhost") as url:
        yield IdentityProvider(url)


def sso_settings(settings, issuer: str, *, client_id: str = SSO_CLIENT_ID) -> None:
    """Point Wayfinder's state single sign-on at ``issuer``, as the environment would."""
    settings.STATE_SSO_ISSUER = issuer
    settings.STATE_SSO_CLIENT_ID = client_id
    settings.STATE_SSO_CLIENT_SECRET = SSO_CLIENT_SECRET
    settings.STATE_SSO_ENABLED = True
    settings.STATE_SSO_MFA_ACR_VALUES = [exchange_data.DEMO_MFA_ACR]
    settings.STATE_SSO_MFA_AMR_VALUES = ["mfa"]
    policy = copy.deepcopy(settings.CONTENT_SECURITY_POLICY)
    policy["DIRECTIVES"]["form-action"] = ["'self'", "/".join(issuer.split("/")[:3])]
    settings.CONTENT_SECURITY_POLICY = policy
    settings.SOCIALACCOUNT_PROVIDERS = {
        "openid_connect": {
            "OAUTH_PKCE_ENABLED": True,
            "SCOPE": ["openid", "profile", "email"],
            "APPS": [
                {
                    "provider_id": settings.STATE_SSO_PROVIDER_ID,
                    "name": settings.STATE_SSO_NAME,
                    "client_id": client_id,
                    "secret": SSO_CLIENT_SECRET,
                    "settings": {"server_url": issuer, "uid_field": "sub"},
                }
            ],
        }
    }


@pytest.fixture
def state_sso(settings, _identity_provider_server) -> IdentityProvider:
    """State single sign-on on, against the real (demo) identity provider."""
    sso_settings(settings, _identity_provider_server.url)
    return _identity_provider_server


@dataclass
class ExchangePortal:
    url: str

    @property
    def iss(self) -> str:
        return f"{self.url}/fhir"


@pytest.fixture(scope="session")
def _exchange_portal_server(live_server) -> Iterator[ExchangePortal]:
    from conftest import free_port
    from wayfinder.demo.exchange_portal.app import create_app
    from wayfinder.demo.servers import serve_in_thread

    port = free_port()
    app = create_app(
        public_url=f"http://localhost:{port}",
        wayfinder_launch_url=f"{live_server.url}/launch",
        client_id=EXCHANGE_CLIENT_ID,
        client_secret=EXCHANGE_CLIENT_SECRET,
        redirect_uri=f"{live_server.url}/launch/callback",
    )
    with serve_in_thread(app, port, host="localhost") as url:
        yield ExchangePortal(url)


@pytest.fixture
def exchange(settings, state_sso, _exchange_portal_server) -> ExchangePortal:
    """The development exchange portal, allow-listed, with state SSO on."""
    settings.SMART_LAUNCH_EXCHANGES = [
        {
            "name": EXCHANGE_NAME,
            "iss": _exchange_portal_server.iss,
            "client_id": EXCHANGE_CLIENT_ID,
            "client_secret": EXCHANGE_CLIENT_SECRET,
        }
    ]
    return _exchange_portal_server
