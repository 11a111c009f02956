"""Production mode serves pages: the run docs/operations.md describes ("Production
run"), for real, on the database the suite runs on.

Static files collected with the production storage (whitenoise's compressed
manifest), migrations as the owner role, then gunicorn, the task worker and the
scheduler with DEBUG=0, a real secret, ALLOWED_HOSTS and, on PostgreSQL, the
application's role that owns nothing. Requests arrive as from a TLS proxy
(``X-Forwarded-Proto: https``); every page and every asset it references must
answer 200. The worker must deliver an email, the scheduler write an audit
checkpoint. Every command run here is quoted from docs/operations.md, so the
document and this test cannot drift apart.

The suite's own settings (``TESTING``) use plain static storage and an in-process
client; this test is what proves DEBUG=0 works.
"""

from __future__ import annotations

import contextlib
import email
import email.policy
import http.client
import http.cookies
import json
import os
import re
import secrets
import signal
import subprocess
import sys
import time
import urllib.parse
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.conf import settings

from conftest import free_port
from wayfinder.lib.env import parse_database_url

ROOT = Path(__file__).resolve().parent.parent
OPERATIONS = (ROOT / "docs" / "operations.md").read_text(encoding="utf-8")
HOST = "wayfinder.example.org"
BIN = Path(sys.executable).parent
APP_ROLE = "wayfinder_app"
DOC_PORT = "8000"

# As docs/operations.md writes them (``$PORT`` stands for the documented 8000).
MIGRATE = "python manage.py migrate --no-input"
CACHE_TABLE = "python manage.py createcachetable"
GRANT = f"python manage.py grant_app_role {APP_ROLE}"
COLLECTSTATIC = "python manage.py collectstatic --no-input"
FIRST_CHECKPOINT = "python manage.py verify_audit_log --checkpoint"
WEB = "gunicorn wayfinder.wsgi --bind 127.0.0.1:$PORT --workers 2 --forwarded-allow-ips 127.0.0.1"
WORKER = "python manage.py db_worker"
SCHEDULER = "python manage.py run_scheduler"
CHECK = "python manage.py check --deploy --fail-level WARNING"
VERIFY = "python manage.py verify_audit_log"


def test_the_documented_commands_are_the_ones_this_test_runs():
    for command in (MIGRATE, CACHE_TABLE, GRANT, COLLECTSTATIC, FIRST_CHECKPOINT, WORKER, SCHEDULER, CHECK, VERIFY):
        assert command in OPERATIONS, command
    assert WEB.replace("$PORT", DOC_PORT) in OPERATIONS


def argv(command: str, port: int | None = None) -> list[str]:
    words = command.replace("$PORT", str(port)).split()
    if words[0] == "python":
        return [sys.executable, *words[1:]]
    return [str(BIN / words[0]), *words[1:]]


@dataclass
class Deployment:
    env: dict[str, str]
    owner_env: dict[str, str]
    data: Path
    processes: dict[str, subprocess.Popen] = field(default_factory=dict)

    def run(self, command: str, *, as_owner: bool = False, extra: tuple[str, ...] = ()) -> str:
        result = subprocess.run(
            [*argv(command), *extra],
            cwd=ROOT,
            env=self.owner_env if as_owner else self.env,
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert result.returncode == 0, f"{command}: {result.stdout[-3000:]}{result.stderr[-3000:]}"
        return result.stdout

    def start(self, name: str, command: str, port: int | None = None) -> None:
        log = (self.data / f"{name}.log").open("w")
        self.processes[name] = subprocess.Popen(
            argv(command, port),
            cwd=ROOT,
            env=self.env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def log(self, name: str) -> str:
        return (self.data / f"{name}.log").read_text(errors="replace")

    def stop(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
            # Whatever the process left behind (a gunicorn worker whose master
            # died) goes with its session, so no connection outlives the test.
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)


@dataclass
class Response:
    status: int
    headers: http.client.HTTPMessage
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8", "replace")


class ProxiedClient:
    """What a TLS-terminating proxy forwards: ``Host``, ``X-Forwarded-Proto: https``.
    Cookies are kept by hand (they are ``Secure``; the hop to gunicorn is plain HTTP)."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, body: bytes | None = None, *, proxied: bool = True, **headers):
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        sent = {"Host": HOST, **headers}
        if proxied:
            sent["X-Forwarded-Proto"] = "https"
        if self.cookies:
            sent["Cookie"] = "; ".join(f"{k}={v}" for k, v in self.cookies.items())
        connection.request(method, path, body=body, headers=sent)
        response = connection.getresponse()
        result = Response(response.status, response.headers, response.read())
        connection.close()
        for header in result.headers.get_all("Set-Cookie") or []:
            for name, morsel in http.cookies.SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return result

    def get(self, path: str, **kwargs) -> Response:
        return self.request("GET", path, **kwargs)

    def post_form(self, path: str, data: dict[str, str], page: Response) -> Response:
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page.text).group(1)
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": token, **data}).encode()
        return self.request(
            "POST",
            path,
            body,
            **{"Content-Type": "application/x-www-form-urlencoded", "Referer": f"https://{HOST}{path}"},
        )


def wait_until(condition, timeout: float, what: str):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(0.25)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.fixture
def databases(tmp_path) -> Iterator[tuple[str, str]]:
    """(application URL, owner URL) of a fresh database: a file on SQLite; on
    PostgreSQL a database the owner role creates, used by the application's role."""
    if not settings.DATABASES["default"]["ENGINE"].endswith("postgresql"):
        url = f"sqlite:///{tmp_path / 'wayfinder.sqlite3'}"
        yield url, url
        return
    import psycopg

    owner_url, app_url = os.environ["DATABASE_OWNER_URL"], os.environ["DATABASE_URL"]
    assert parse_database_url(app_url, base_dir=ROOT).user == APP_ROLE
    name = f"smoke_{secrets.token_hex(4)}"
    owner = parse_database_url(owner_url, base_dir=ROOT)
    connect = {"user": owner.user, "password": owner.password, "host": owner.host, "port": owner.port}
    with psycopg.connect(dbname=owner.name, autocommit=True, **connect) as connection:
        connection.execute(f'CREATE DATABASE "{name}"')
    try:
        yield app_url.rsplit("/", 1)[0] + f"/{name}", owner_url.rsplit("/", 1)[0] + f"/{name}"
    finally:
        with psycopg.connect(dbname=owner.name, autocommit=True, **connect) as connection:
            drop_when_unused(connection, name)


def drop_when_unused(connection, name: str, timeout: float = 30.0) -> None:
    """Drop the smoke database once its last session has gone.

    A stopped process's server backend ends a moment after the process does, and
    ``DROP ... WITH (FORCE)`` may only end sessions of roles the owner is a member
    of, which the application's role is not (by design: it owns nothing and the
    owner cannot signal it). So wait for the backends, and name any that stay."""
    deadline = time.monotonic() + timeout
    query = "SELECT usename, application_name, state FROM pg_stat_activity WHERE datname = %s"
    while (sessions := connection.execute(query, (name,)).fetchall()) and time.monotonic() < deadline:
        time.sleep(0.2)
    assert not sessions, f"sessions still open on {name} after the deployment stopped: {sessions}"
    connection.execute(f'DROP DATABASE IF EXISTS "{name}"')


@pytest.fixture
def smtp(tmp_path):
    from aiosmtpd.controller import Controller

    messages: list[email.message.EmailMessage] = []

    class Handler:
        async def handle_DATA(self, server, session, envelope):
            messages.append(email.message_from_bytes(envelope.content, policy=email.policy.default))
            return "250 OK"

    controller = Controller(Handler(), hostname="127.0.0.1", port=free_port())
    controller.start()
    try:
        yield controller.port, messages
    finally:
        controller.stop()


@pytest.fixture
def deployment(tmp_path, databases, smtp) -> Iterator[Deployment]:
    app_url, owner_url = databases
    data = tmp_path / "data"
    data.mkdir()
    base = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST", "DJANGO_", "WAYFINDER_", "DATABASE_"))}
    env = {
        **base,
        "DEBUG": "0",
        "WAYFINDER_DEMO": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "ALLOWED_HOSTS": HOST,
        "SITE_URL": f"https://{HOST}",
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "AUDIT_CHECKPOINT_FILE": str(tmp_path / "audit" / "checkpoints.jsonl"),
        "WAYFINDER_DATA_DIR": str(data),
        "STATIC_ROOT": str(tmp_path / "static"),
        "SEARCH_INDEX_DIR": str(data / "search-index"),
        # The map (Leaflet) is on service pages only with tiles configured: its
        # source-map comment once made collectstatic fail.
        "MAP_TILE_URL": "https://tile.openstreetmap.org/{z}/{x}/{y}.png",
        "EMAIL_HOST": "127.0.0.1",
        "EMAIL_PORT": str(smtp[0]),
        "DATABASE_URL": app_url,
    }
    deployment = Deployment(env=env, owner_env={**env, "DATABASE_URL": owner_url}, data=data)
    try:
        yield deployment
    finally:
        deployment.stop()


def assets_of(page: str) -> set[str]:
    return set(re.findall(r'(?:href|src)="(/static/[^"]+)"', page))


def test_production_serves_every_page_and_asset(deployment, smtp):
    d = deployment
    # Install, as the owner role: schema, cache table, the application role's privileges.
    d.run(MIGRATE, as_owner=True)
    d.run(CACHE_TABLE, as_owner=True)
    if d.env["DATABASE_URL"].startswith("postgres"):
        d.run(GRANT, as_owner=True)
    d.run(COLLECTSTATIC)
    assert (Path(d.env["STATIC_ROOT"]) / "staticfiles.json").exists()
    d.run(FIRST_CHECKPOINT)
    # Some directory data, imported as the application would.
    d.run("python manage.py generate_directory --services 30 --seed 7", extra=(str(d.data / "hsds"),))
    d.run("python manage.py import_hsds --no-progress", extra=(str(d.data / "hsds"),))

    port = free_port()
    d.start("web", WEB, port)
    d.start("worker", WORKER)
    d.start("scheduler", SCHEDULER)
    client = ProxiedClient(port)
    wait_until(lambda: _answers(client), 60, "gunicorn to answer /healthz")

    # Plain HTTP (no proxy header) is sent to HTTPS; what the proxy forwards is served.
    redirect = client.get("/", proxied=False)
    assert redirect.status == 301 and redirect.headers["Location"] == f"https://{HOST}/"

    services = json.loads(client.get("/api/hsds/services?per_page=5").body)
    service = services["contents"][0]
    word = service["name"].split()[0]
    pages = ["/", f"/search/?q={urllib.parse.quote(word)}", f"/services/{service['id']}/", "/accounts/login/"]
    seen_assets: set[str] = set()
    for path in pages:
        response = client.get(path)
        assert response.status == 200, (path, response.status, response.text[:2000])
        assert "Strict-Transport-Security" in response.headers
        assets = assets_of(response.text)
        assert any(a.endswith(".css") for a in assets), path
        seen_assets |= assets
    # The worker indexes what the import queued; results appear once it has run.
    wait_until(lambda: "/services/" in client.get(pages[1]).text, 90, "the worker to index the imported services")
    for path in ["/api/hsds/", "/api/hsds/services", f"/api/hsds/services/{service['id']}", "/api/openapi.json"]:
        response = client.get(path)
        assert response.status == 200 and response.headers["Content-Type"].startswith("application/json"), path
    _check_assets(client, seen_assets)

    # The worker delivers what the web process queued: a sign-up's confirmation email.
    signup = client.get("/accounts/signup/")
    password = "a long and unusual passphrase"
    posted = client.post_form(
        "/accounts/signup/", {"email": "smoke@example.org", "password1": password, "password2": password}, signup
    )
    assert posted.status == 302, posted.text[:2000]
    _port, messages = smtp
    wait_until(lambda: messages, 60, "the worker to deliver the confirmation email")
    assert messages[0]["To"] == "smoke@example.org"
    # The scheduler writes an audit checkpoint as soon as it starts.
    sink = Path(d.env["AUDIT_CHECKPOINT_FILE"])
    wait_until(lambda: len(sink.read_text().splitlines()) >= 2, 60, "the scheduler's audit checkpoint")

    d.run(CHECK)
    assert "Audit log intact" in d.run(VERIFY)
    for name, process in d.processes.items():
        assert process.poll() is None, f"{name} exited: {d.log(name)[-3000:]}"
    d.stop()
    for name in d.processes:
        assert "Traceback" not in d.log(name), d.log(name)[-3000:]


def _answers(client: ProxiedClient) -> bool:
    try:
        return client.get("/healthz").status == 200
    except OSError:
        return False


def _check_assets(client: ProxiedClient, assets: set[str]) -> None:
    """Every referenced CSS, JS and image answers 200 from its hashed name, and so
    does everything the stylesheets reference in turn."""
    pending, done = set(assets), set()
    while pending:
        path = pending.pop()
        done.add(path)
        response = client.get(path)
        assert response.status == 200, (path, response.status)
        assert re.search(r"\.[0-9a-f]{12}\.", path), f"{path} is not a hashed (manifest) name"
        assert "immutable" in response.headers.get("Cache-Control", ""), path
        if path.endswith(".css"):
            for ref in re.findall(r"url\(\s*['\"]?([^'\")]+)['\"]?\s*\)", response.text):
                if not ref.startswith(("data:", "#")):
                    target = urllib.parse.urljoin(path, ref).split("#")[0].split("?")[0]
                    if target not in done:
                        pending.add(target)
    names = " ".join(sorted(done))
    assert "/vendor/leaflet/leaflet." in names and ".js" in names and ".png" in names, names
