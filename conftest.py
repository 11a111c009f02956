"""Shared test fixtures: personas, a real local SMTP server, HTTP helpers.

Browser fixtures (Playwright driving Debian's chromium) are further down.
"""

from __future__ import annotations

import os

# Playwright's sync API keeps an event loop in the test thread; the ORM calls in the
# same tests are still synchronous, so Django's async-safety guard is relaxed.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

import email
import email.policy
import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest
from django.core.cache import cache

# The real state identity provider and the development exchange portal (issue #20).
pytest_plugins = ["tests.exchange_servers"]


@pytest.fixture(autouse=True)
def _empty_cache() -> Iterator[None]:
    """Throttling counters and used TOTP codes must not leak between tests."""
    cache.clear()
    yield
    cache.clear()


def _force_login_signs_in_fully(self, user, backend=None) -> None:
    """``client.force_login(user)`` stands for a completed sign-in: the password
    and, for staff, the TOTP code, as allauth records them in the session. MFA is
    checked per session (docs/security.md, "Authentication and sessions"), so without this every staff test would have
    to type a code; the per-session rule itself is tested through real sign-ins in
    wayfinder/accounts/tests/test_mfa_per_session.py."""
    from wayfinder.lib.http_testing import record_full_sign_in

    _original_force_login(self, user, backend)
    record_full_sign_in(self, user)


from django.test.client import ClientMixin  # noqa: E402

_original_force_login = ClientMixin.force_login
ClientMixin.force_login = _force_login_signs_in_fully  # type: ignore[method-assign]


@pytest.fixture(scope="session", autouse=True)
def _flush_as_owner() -> Iterator[None]:
    """Transactional tests empty every table afterwards (TRUNCATE on PostgreSQL).
    The application's role may not, and the audit table's append-only triggers
    refuse anyone: so the owner does it, with the triggers lifted for that moment
    only (put back before the next test)."""
    from django.db import connection
    from django.test import TransactionTestCase

    from tests.db_roles import as_owner
    from wayfinder.audit import triggers

    original = TransactionTestCase._fixture_teardown

    def _fixture_teardown(self) -> None:
        with as_owner():
            triggers.uninstall(connection)
            try:
                original(self)
            finally:
                triggers.install(connection)

    TransactionTestCase._fixture_teardown = _fixture_teardown
    yield
    TransactionTestCase._fixture_teardown = original


# --- personas -------------------------------------------------------------------


@pytest.fixture(scope="session")
def django_db_modify_db_settings(django_db_modify_db_settings_parallel_suffix) -> None:
    """PostgreSQL: the test database is created and migrated by the owner role,
    as production runs migrations (docs/operations.md, PostgreSQL roles)."""
    from django.conf import settings

    from tests.db_roles import use_role

    if settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        use_role("owner")


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """Then the tests connect as the application's role, which owns nothing and
    may only read and append the audit trail. Load the personas once per test
    database; tests that empty the database (transactional ones, which
    pytest-django runs last) get them reloaded."""
    from django.db import connection

    from tests.db_roles import app_credentials, use_role
    from wayfinder.audit.roles import grant_app_role
    from wayfinder.demo.personas import load_personas

    postgres = connection.vendor == "postgresql"
    with django_db_blocker.unblock():
        if postgres:
            grant_app_role(app_credentials()[0])
            use_role("app")
        load_personas()
    yield
    if postgres:
        use_role("owner")  # the owner drops the test database


@pytest.fixture
def personas(db):
    """The demo personas (wayfinder/demo/personas.py), keyed by persona key."""
    from wayfinder.accounts.models import User
    from wayfinder.demo.personas import PERSONAS, load_personas

    users = {user.email: user for user in User.objects.filter(email__in=[p.email for p in PERSONAS])}
    if len(users) != len(PERSONAS):
        load_personas()
        users = {user.email: user for user in User.objects.filter(email__in=[p.email for p in PERSONAS])}
    return {person.key: users[person.email] for person in PERSONAS}


# --- a real SMTP server -----------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[email.message.EmailMessage] = field(default_factory=list)
    _arrived: threading.Condition = field(default_factory=threading.Condition)

    def wait_for(self, count: int = 1, timeout: float = 10.0) -> list[email.message.EmailMessage]:
        deadline = time.monotonic() + timeout
        with self._arrived:
            while len(self.messages) < count:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(f"expected {count} email(s), got {len(self.messages)}")
                self._arrived.wait(remaining)
            return list(self.messages)

    def to(self, address: str) -> list[email.message.EmailMessage]:
        return [m for m in self.messages if address.lower() in m["To"].lower()]


def fresh_totp_code(secret: str, margin: float = 5.0) -> str:
    """A TOTP code with at least ``margin`` seconds of its 30-second window left.

    allauth accepts only the current window; a browser test that types a code in the
    last second of one (on a loaded CI machine) would submit it in the next and fail.
    """
    from allauth.mfa import app_settings

    from wayfinder.demo.personas import totp_code

    left = app_settings.TOTP_PERIOD - time.time() % app_settings.TOTP_PERIOD
    if left < margin:
        time.sleep(left + 0.05)
    return totp_code(secret)


def message_text(message: email.message.EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain", "html"))
    return part.get_content() if part is not None else ""


@pytest.fixture
def smtp_server(settings) -> Iterator[SmtpServer]:
    """An aiosmtpd server on loopback; the application's email goes to it over SMTP."""
    from aiosmtpd.controller import Controller

    server = SmtpServer("127.0.0.1", free_port())

    class Handler:
        async def handle_DATA(self, smtp, session, envelope):
            parsed = email.message_from_bytes(envelope.content, policy=email.policy.default)
            with server._arrived:
                server.messages.append(parsed)
                server._arrived.notify_all()
            return "250 OK"

    controller = Controller(Handler(), hostname=server.host, port=server.port)
    controller.start()
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = server.host
    settings.EMAIL_PORT = server.port
    settings.EMAIL_USE_TLS = False
    settings.EMAIL_USE_SSL = False
    settings.EMAIL_HOST_USER = ""
    settings.EMAIL_HOST_PASSWORD = ""
    try:
        yield server
    finally:
        controller.stop()


# --- browser fixtures -------------------------------------------------------------

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"]


@pytest.fixture(scope="session")
def browser_instance():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True)
        try:
            yield browser
        finally:
            browser.close()


@pytest.fixture
def page(browser_instance):
    context = browser_instance.new_context(viewport={"width": 1280, "height": 900}, locale="en-US")
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


@pytest.fixture
def sign_in_as(live_server):
    """Put a signed-in session for ``user`` into a Playwright page: browser tests that
    are not about signing in skip it (sign-in with MFA has its own browser test)."""
    from django.conf import settings
    from django.test import Client

    def sign_in(page, user) -> None:
        client = Client()
        client.force_login(user)
        cookie = client.cookies[settings.SESSION_COOKIE_NAME]
        page.context.clear_cookies()
        page.context.add_cookies([{"name": cookie.key, "value": cookie.value, "url": live_server.url}])

    return sign_in


@pytest.fixture
def phone_page(browser_instance):
    context = browser_instance.new_context(
        viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    try:
        yield page
    finally:
        context.close()


# --- browser fixtures (search helper) ---------------------------------------------


@pytest.fixture(scope="session", autouse=True)
def _search_index_outside_the_project(tmp_path_factory):
    """Tests never touch the developer's var/search-index: imports and edits in any
    test queue index updates, and they land in this session's (worker's) own folder."""
    from django.test import override_settings

    override = override_settings(SEARCH_INDEX_DIR=tmp_path_factory.mktemp("search-index-default"))
    override.enable()
    yield
    override.disable()


AXE_SOURCE = os.path.join(os.path.dirname(__file__), "tests", "browser", "vendor", "axe.min.js")


@pytest.fixture(scope="session")
def axe_check():
    """Run axe-core (WCAG 2.1 A/AA rules) on the page; returns serious and critical violations.

    axe is evaluated through the DevTools protocol, which the page's CSP does not
    restrict, so the pages keep their strict script-src in the test too.
    """
    with open(AXE_SOURCE, encoding="utf-8") as handle:
        source = handle.read()

    def check(page) -> list[dict]:
        page.evaluate(source)
        result = page.evaluate(
            "async () => await axe.run(document, {runOnly: {type: 'tag', values: "
            "['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']}})"
        )
        return [
            {"id": v["id"], "impact": v["impact"], "nodes": [n["target"] for n in v["nodes"]][:5]}
            for v in result["violations"]
            if v["impact"] in ("serious", "critical")
        ]

    return check


def assert_no_horizontal_scroll(page) -> None:
    width = page.evaluate("() => [document.documentElement.scrollWidth, document.documentElement.clientWidth]")
    assert width[0] <= width[1], f"horizontal scrolling on {page.url}: {width}"


# --- residents and consent (issue #6) ----------------------------------------------


@pytest.fixture(autouse=True)
def _amy_resident_record(request) -> None:
    """Tests that use the personas also get Amy Brand's resident record, linked to
    her account, with consent given to the food bank and not to the family center
    (the permission table's org_staff / other_org_staff rows depend on it)."""
    if "personas" not in request.fixturenames:
        return
    request.getfixturevalue("personas")
    from wayfinder.demo.residents import ensure_amy

    ensure_amy()
