"""The demo state identity provider and the development exchange portal hand out
identities to anyone who clicks: outside demo mode their commands refuse to start
(run as production would, in a process of their own with DEBUG=0 and no demo mode)."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("command", "message"),
    [
        ("run_demo_idp", "The demo state identity provider runs only in demo or test mode"),
        ("run_exchange_portal", "The development exchange portal runs only in demo or test mode"),
    ],
)
def test_refuses_to_start_outside_demo_mode(command, message, tmp_path):
    env = {key: value for key, value in os.environ.items() if not key.startswith(("DATABASE_", "WAYFINDER_", "PYTEST"))}
    env.update(
        DEBUG="0",
        WAYFINDER_DEMO="0",
        SECRET_KEY=secrets.token_urlsafe(60),
        ALLOWED_HOSTS="wayfinder.example",
        AUDIT_HMAC_KEY=secrets.token_urlsafe(40),
        AUDIT_CHECKPOINT_FILE=str(tmp_path / "checkpoints.jsonl"),
        WAYFINDER_DATA_DIR=str(tmp_path),
    )
    result = subprocess.run(
        [sys.executable, "manage.py", command, "--port", "0"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode != 0
    assert message in result.stderr
