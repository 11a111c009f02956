"""A client's keys published at its ``jwks_url`` (docs/exchange.md, "Authentication"):
a real HTTP server on loopback serves the JWK Set, and the token endpoint fetches,
caches, re-fetches on a rotated key (at most once a minute) and refuses every unsafe
or broken answer with a 401 OAuth error, never a 500."""

from __future__ import annotations

import datetime as dt
import ipaddress
import json
import ssl
import threading
import time
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
import time_machine
from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.x509.oid import NameOID
from django.test import Client
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.models import AuditEvent
from wayfinder.integrations.hie.admin import ExchangeClientForm
from wayfinder.integrations.hie.models import ExchangeClient

from .clients import assertion, new_key, public_jwk, request_token

pytestmark = pytest.mark.django_db

SCOPE = "system/Observation.rs"


class JwksServer:
    """Serves ``body`` at /jwks.json (after ``delay`` seconds, with ``status``), counting requests."""

    def __init__(self) -> None:
        self.body: bytes = b'{"keys": []}'
        self.status = 200
        self.delay = 0.0
        self.drip: bytes | None = None  # sent slowly, forever, instead of the body
        self.stall = 0.0  # seconds of silence after the headers
        self.hits = 0
        server = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                server.hits += 1
                time.sleep(server.delay)
                self.send_response(server.status)
                self.send_header("Content-Type", "application/json")
                if server.drip is None:
                    self.send_header("Content-Length", str(len(server.body)))
                self.end_headers()
                self.wfile.flush()
                time.sleep(server.stall)
                try:
                    if server.drip is not None:
                        for _ in range(100):
                            self.wfile.write(server.drip)
                            self.wfile.flush()
                            time.sleep(0.2)
                    else:
                        self.wfile.write(server.body)
                except OSError:
                    pass

            def log_message(self, *args) -> None:
                pass

        self.httpd = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self.httpd.server_port}/jwks.json"
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()

    def use_tls(self, tmp_path) -> None:
        """Serve https with a self-signed certificate for localhost and 127.0.0.1."""
        key = ec.generate_private_key(ec.SECP256R1())
        name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "localhost")])
        now = dt.datetime.now(dt.UTC)
        cert = (
            x509.CertificateBuilder()
            .subject_name(name)
            .issuer_name(name)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - dt.timedelta(days=1))
            .not_valid_after(now + dt.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.DNSName("localhost"), x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]
                ),
                critical=False,
            )
            .sign(key, hashes.SHA256())
        )
        (tmp_path / "cert.pem").write_bytes(cert.public_bytes(serialization.Encoding.PEM))
        (tmp_path / "key.pem").write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption()
            )
        )
        context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        context.load_cert_chain(tmp_path / "cert.pem", tmp_path / "key.pem")
        self.httpd.socket = context.wrap_socket(self.httpd.socket, server_side=True)
        self.url = self.url.replace("http://", "https://")

    def serve(self, *keys) -> None:
        self.body = json.dumps({"keys": list(keys)}).encode()

    def close(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()


@pytest.fixture
def jwks_server(settings):
    settings.HIE_JWKS_ALLOW_LOOPBACK_HTTP = True
    running = JwksServer()
    yield running
    running.close()


def url_client(url: str) -> ExchangeClient:
    return ExchangeClient.objects.create(
        name="Keys by URL",
        client_id="by-url",
        jwks={},
        jwks_url=url,
        allowed_scopes=SCOPE,
        participant_name="Bluegrass Clinic EHR",
    )


def ask(client: ExchangeClient, key, kid: str):
    return request_token(Client(), assertion(client, key, kid=kid), SCOPE)


def refused(response) -> str:
    assert response.status_code == 401, response.content
    body = response.json()
    assert body["error"] == "invalid_client"
    return body["error_description"]


def test_token_signed_with_the_served_key_is_accepted_and_the_set_is_cached(jwks_server):
    key = new_key()
    jwks_server.serve(public_jwk(key, "k1"))
    client = url_client(jwks_server.url)
    first = ask(client, key, "k1")
    assert first.status_code == 200, first.content
    assert first.json()["token_type"] == "Bearer"
    assert ask(client, key, "k1").status_code == 200
    assert jwks_server.hits == 1  # the second assertion used the cached set
    with time_machine.travel(timezone.now() + timedelta(seconds=301)):
        assert ask(client, key, "k1").status_code == 200
    assert jwks_server.hits == 2  # the cache lasts 300 seconds


def test_a_rotated_key_is_picked_up_by_one_refetch_at_most_once_a_minute(jwks_server):
    old, new = new_key(), new_key("EC")
    jwks_server.serve(public_jwk(old, "old"))
    client = url_client(jwks_server.url)
    assert ask(client, old, "old").status_code == 200
    jwks_server.serve(public_jwk(old, "old"), public_jwk(new, "new"))
    # Within a minute of the last fetch an unknown kid does not fetch again.
    reason = refused(ask(client, new, "new"))
    assert "try again in a minute" in reason
    assert refused(ask(client, new, "made-up-kid"))
    assert jwks_server.hits == 1
    with time_machine.travel(timezone.now() + timedelta(seconds=61)):
        assert ask(client, new, "new").status_code == 200, "the rotated key after one re-fetch"
        assert jwks_server.hits == 2
        # A stream of made-up kids now costs at most the one re-fetch a minute.
        for n in range(5):
            refused(ask(client, new, f"attacker-{n}"))
        assert jwks_server.hits == 2
    assert ask(client, old, "old").status_code == 200
    assert jwks_server.hits == 2


def test_a_body_over_the_cap_is_refused(jwks_server):
    jwks_server.body = b'{"keys": [' + b" " * (70 * 1024) + b"]}"
    client = url_client(jwks_server.url)
    reason = refused(ask(client, new_key(), "k1"))
    assert "larger than 65536 bytes" in reason
    denied = AuditEvent.objects.get(action=names.HIE_CLIENT_REFUSED)
    assert "larger than" in denied.data["reason"]


def test_an_endless_body_without_length_is_cut_off(jwks_server, settings):
    settings.HIE_JWKS_MAX_BYTES = 4096
    jwks_server.drip = b"x" * 1024
    reason = refused(ask(url_client(jwks_server.url), new_key(), "k1"))
    assert "larger than 4096 bytes" in reason


@pytest.mark.parametrize(("behaviour", "value"), [("delay", 3), ("drip", b" ")], ids=["slow", "trickling"])
def test_a_slow_or_trickling_server_is_cut_off_at_the_deadline(jwks_server, settings, behaviour, value):
    settings.HIE_JWKS_TIMEOUT_SECONDS = 1
    setattr(jwks_server, behaviour, value)
    started = time.monotonic()
    reason = refused(ask(url_client(jwks_server.url), new_key(), "k1"))
    assert "longer than 1 s" in reason
    assert time.monotonic() - started < 2.5


def test_a_server_that_stalls_after_the_headers_times_out(jwks_server, settings):
    settings.HIE_JWKS_TIMEOUT_SECONDS = 1
    jwks_server.stall = 3
    assert "longer than 1 s" in refused(ask(url_client(jwks_server.url), new_key(), "k1"))


@pytest.mark.parametrize(
    ("body", "status", "expected"),
    [
        (b"<html>not json</html>", 200, "not JSON"),
        (b'{"keys": []}', 200, "no keys"),
        (b'["not", "a", "set"]', 200, "not a JWK Set"),
        (b'{"keys": [{"kty": "nonsense"}]}', 200, "no usable key"),
        (b'{"keys": []}', 404, "HTTP 404"),
    ],
)
def test_broken_answers_are_refused_with_the_reason(jwks_server, body, status, expected):
    jwks_server.body, jwks_server.status = body, status
    assert expected in refused(ask(url_client(jwks_server.url), new_key(), "k1"))


def test_private_key_material_is_refused(jwks_server):
    key = new_key()
    private = json.loads(__import__("jwt").algorithms.RSAAlgorithm.to_jwk(key))
    jwks_server.serve({**private, "kid": "k1"})
    assert "private key material" in refused(ask(url_client(jwks_server.url), key, "k1"))


def test_a_failing_url_is_not_fetched_again_within_the_minute(jwks_server):
    jwks_server.body = b"nope"
    client = url_client(jwks_server.url)
    assert "not JSON" in refused(ask(client, new_key(), "k1"))
    again = refused(ask(client, new_key(), "k1"))
    assert "not JSON" in again and "not fetched again yet" in again
    assert jwks_server.hits == 1


def test_https_verifies_the_certificate_even_on_the_pinned_address(jwks_server, tmp_path):
    key = new_key()
    jwks_server.serve(public_jwk(key, "k1"))
    jwks_server.use_tls(tmp_path)
    reason = refused(ask(url_client(jwks_server.url), key, "k1"))
    assert "SSLError" in reason  # a self-signed certificate is not trusted: no key from it


def test_plain_http_is_refused_unless_loopback_is_allowed(jwks_server, settings):
    key = new_key()
    jwks_server.serve(public_jwk(key, "k1"))
    settings.HIE_JWKS_ALLOW_LOOPBACK_HTTP = False
    assert "must use https" in refused(ask(url_client(jwks_server.url), key, "k1"))
    assert jwks_server.hits == 0


@pytest.mark.parametrize(
    "url",
    [
        "https://10.1.2.3/jwks.json",
        "https://192.168.0.10/jwks.json",
        "https://169.254.169.254/latest/meta-data",
        "https://[::ffff:10.0.0.1]/jwks.json",
        "https://[fd00::1]/jwks.json",
        "https://100.64.0.1/jwks.json",
        "https://127.0.0.1/jwks.json",
    ],
)
def test_private_and_reserved_addresses_are_refused_before_connecting(settings, url):
    settings.HIE_JWKS_ALLOW_LOOPBACK_HTTP = False
    reason = refused(ask(url_client(url), new_key(), "k1"))
    assert "private or reserved address" in reason


def test_a_name_resolving_to_loopback_is_refused_when_loopback_is_off(settings):
    settings.HIE_JWKS_ALLOW_LOOPBACK_HTTP = False
    assert "private or reserved address" in refused(ask(url_client("https://localhost/jwks.json"), new_key(), "k1"))


def test_an_unresolvable_host_is_refused():
    reason = refused(ask(url_client("https://no-such-host.invalid/jwks.json"), new_key(), "k1"))
    assert "does not resolve" in reason


def test_inline_keys_are_used_without_fetching(jwks_server):
    key = new_key()
    client = url_client(jwks_server.url)
    client.jwks = {"keys": [public_jwk(key, "inline")]}
    client.save()
    assert ask(client, key, "inline").status_code == 200
    assert jwks_server.hits == 0


@pytest.mark.parametrize(
    ("url", "ok"),
    [
        ("https://keys.example.org/.well-known/jwks.json", True),
        ("http://keys.example.org/jwks.json", False),
        ("https://user:secret@keys.example.org/jwks.json", False),
        ("https://keys.example.org/jwks.json#frag", False),
        ("ftp://keys.example.org/jwks.json", False),
    ],
)
def test_the_admin_form_checks_the_url_shape(url, ok):
    form = ExchangeClientForm(
        data={
            "name": "A",
            "client_id": "a",
            "jwks": "{}",
            "jwks_url": url,
            "allowed_scopes": SCOPE,
            "participant_name": "P",
            "active": "on",
        }
    )
    assert form.is_valid() is ok, form.errors
    if not ok:
        assert "jwks_url" in form.errors
