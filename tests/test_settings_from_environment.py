"""Settings come from the environment, bad values are refused, and production mode
passes Django's deployment checks with no warnings."""

from __future__ import annotations

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

from wayfinder.lib.env import (
    ImproperEnvironment,
    env_bool,
    env_choice,
    env_int,
    env_list,
    env_str,
    parse_database_url,
)

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.parametrize("value, expected", [("1", True), ("true", True), ("Yes", True), ("0", False), ("off", False)])
def test_booleans(value, expected):
    assert env_bool("X", False, environ={"X": value}) is expected


@pytest.mark.parametrize(
    "reader",
    [
        lambda: env_bool("DEBUG", False, environ={"DEBUG": "flase"}),
        lambda: env_int("EMAIL_PORT", 25, environ={"EMAIL_PORT": "twenty-five"}),
        lambda: env_int("EMAIL_PORT", 25, minimum=1, maximum=65535, environ={"EMAIL_PORT": "70000"}),
        lambda: env_choice("WAYFINDER_STATE", "KY", {"KY"}, environ={"WAYFINDER_STATE": "XX"}),
        lambda: env_str("SECRET_KEY", environ={}),
        lambda: parse_database_url("mysql://x/y", base_dir=ROOT),
        lambda: parse_database_url("postgres://host:notaport/db", base_dir=ROOT),
        lambda: parse_database_url("postgres://host/", base_dir=ROOT),
    ],
)
def test_bad_values_are_refused(reader):
    with pytest.raises(ImproperEnvironment):
        reader()


def test_lists_and_database_urls():
    assert env_list("ALLOWED_HOSTS", [], environ={"ALLOWED_HOSTS": "a.example, b.example,,"}) == [
        "a.example",
        "b.example",
    ]
    pg = parse_database_url("postgres://wf:p%40ss@db.internal:5433/wayfinder?sslmode=require", base_dir=ROOT)
    assert (pg.engine, pg.user, pg.password, pg.host, pg.port, pg.name) == (
        "postgresql",
        "wf",
        "p@ss",
        "db.internal",
        "5433",
        "wayfinder",
    )
    assert pg.options == {"sslmode": "require"}
    assert parse_database_url("sqlite:///var/x.sqlite3", base_dir=ROOT).name == str(ROOT / "var/x.sqlite3")
    assert parse_database_url("sqlite:////tmp/x.sqlite3", base_dir=ROOT).name == "/tmp/x.sqlite3"


def run_manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "PYTEST", "WAYFINDER_TESTING"))}
    environment.pop("DATABASE_URL", None)
    environment.update({"WAYFINDER_DATA_DIR": env.pop("WAYFINDER_DATA_DIR", "/tmp/wayfinder-prod-check"), **env})
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )


PRODUCTION_SECRET = secrets.token_urlsafe(64)
PRODUCTION = {
    "DEBUG": "0",
    "WAYFINDER_DEMO": "0",
    "SECRET_KEY": PRODUCTION_SECRET,
    "ALLOWED_HOSTS": "wayfinder.example.org",
    "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
    "AUDIT_CHECKPOINT_FILE": "/tmp/wayfinder-prod-check/audit-checkpoints.jsonl",
}


def test_production_mode_passes_check_deploy_with_no_warnings():
    result = run_manage("check", "--deploy", "--fail-level", "WARNING", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "override, message",
    [
        ({"SECRET_KEY": ""}, "SECRET_KEY must be set to a real secret"),
        ({"SECRET_KEY": "short"}, "at least 50 characters"),
        ({"ALLOWED_HOSTS": ""}, "ALLOWED_HOSTS must be set"),
        ({"DEBUG": "maybe"}, "DEBUG='maybe' is not a boolean"),
        ({"AUDIT_HMAC_KEY": ""}, "AUDIT_HMAC_KEY must be set to a secret of at least 32 characters"),
        ({"AUDIT_HMAC_KEY": "short-key"}, "AUDIT_HMAC_KEY must be set to a secret of at least 32 characters"),
        ({"AUDIT_HMAC_KEY": PRODUCTION_SECRET}, "AUDIT_HMAC_KEY must be its own secret"),
        ({"AUDIT_CHECKPOINT_FILE": ""}, "AUDIT_CHECKPOINT_FILE must name the append-only checkpoint file"),
    ],
)
def test_production_mode_refuses_to_start_without_real_settings(override, message):
    result = run_manage("check", **{**PRODUCTION, **override})
    assert result.returncode != 0
    assert message in result.stderr


def test_production_responses_carry_the_security_headers():
    script = (
        "import django; django.setup();"
        "from django.test import Client;"
        "r = Client().get('/healthz', secure=True, HTTP_HOST='wayfinder.example.org');"
        "print(r.status_code);"
        "[print(h, '=', r.get(h)) for h in ('Strict-Transport-Security', 'Content-Security-Policy',"
        " 'X-Frame-Options', 'Referrer-Policy', 'X-Content-Type-Options')]"
    )
    environment = {k: v for k, v in os.environ.items() if not k.startswith(("PYTEST",))}
    environment.pop("DATABASE_URL", None)
    environment.update(
        PRODUCTION, DJANGO_SETTINGS_MODULE="wayfinder.settings", WAYFINDER_DATA_DIR="/tmp/wayfinder-prod-check"
    )
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, env=environment, check=True, timeout=300)
    result = subprocess.run(
        [sys.executable, "-c", script], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "200"
    headers = dict(line.split(" = ", 1) for line in lines[1:])
    assert headers["Strict-Transport-Security"].startswith("max-age=31536000")
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    assert "unsafe-inline" not in headers["Content-Security-Policy"]
    assert headers["X-Frame-Options"] == "DENY"
    assert headers["Referrer-Policy"] == "same-origin"
    assert headers["X-Content-Type-Options"] == "nosniff"
