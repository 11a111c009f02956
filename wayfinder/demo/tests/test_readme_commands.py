"""The commands the README prints work exactly as printed (issue #14 item 5): after
`make run`, `.venv/bin/python manage.py demo_totp EMAIL` needs nothing typed in
front of it, because `make run` leaves the checkout's mode in `var/local.env`."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

from wayfinder.demo.personas import current_demo_code, persona
from wayfinder.lib.env import ImproperEnvironment, load_local_env

ROOT = Path(__file__).resolve().parents[3]
README = (ROOT / "README.md").read_text()


def _local_env_written_by_make() -> str:
    """The file's text exactly as the Makefile's ``demo-data`` target writes it."""
    makefile = (ROOT / "Makefile").read_text()
    match = re.search(r"printf '([^']*)' >var/local\.env", makefile)
    assert match, "the Makefile no longer writes var/local.env"
    return match.group(1).encode().decode("unicode_escape")


def _bare_environment(**extra: str) -> dict[str, str]:
    """A shell as a person has it: no DEBUG, no demo flag, no secret key."""
    drop = ("DJANGO_", "PYTEST", "WAYFINDER_", "DEBUG", "SECRET_KEY", "DATABASE_URL")
    return {**{k: v for k, v in os.environ.items() if not k.startswith(drop)}, **extra}


def _manage(*args: str, env: dict[str, str]) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=120
    )


def test_the_readme_prints_demo_totp_as_tested():
    assert "`.venv/bin/python manage.py demo_totp EMAIL`" in README


def test_demo_totp_works_as_printed_after_make_run(tmp_path):
    local_env = tmp_path / "local.env"
    local_env.write_text(_local_env_written_by_make())
    staff = persona("food_bank_staff")
    result = _manage("demo_totp", staff.email, env=_bare_environment(WAYFINDER_LOCAL_ENV=str(local_env)))
    assert result.returncode == 0, result.stderr
    import time

    now = time.time()
    assert result.stdout.strip() in {current_demo_code(staff.email, now + d) for d in (-30, 0)}


def test_without_the_demo_the_command_says_why(tmp_path):
    result = _manage("demo_totp", "x@example.test", env=_bare_environment(WAYFINDER_LOCAL_ENV=""))
    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr  # production mode: no demo codes


def test_every_management_command_the_readme_names_exists():
    table = README.split("## Management commands", 1)[1].split("\n## ", 1)[0]
    named = set(re.findall(r"`([a-z_]+)(?: [^`]*)?`", table))
    printed = set(re.findall(r"manage\.py ([a-z_]+)", README))
    assert named and printed
    missing = sorted((named | printed) - set(get_commands()))
    assert not missing, f"the README names commands that do not exist: {missing}"


def test_the_local_file_sets_only_the_mode_and_never_overrides(tmp_path):
    path = tmp_path / "local.env"
    path.write_text("# a comment\nDEBUG=1\nWAYFINDER_DEMO=1\n")
    environ = {"DEBUG": "0"}
    assert load_local_env(path, environ) == {"WAYFINDER_DEMO": "1"}
    assert environ == {"DEBUG": "0", "WAYFINDER_DEMO": "1"}
    assert load_local_env(tmp_path / "missing.env", {}) == {}
    for bad in ("SECRET_KEY=abc\n", "DEBUG\n", "DATABASE_URL=postgres://x/y\n"):
        path.write_text(bad)
        with pytest.raises(ImproperEnvironment):
            load_local_env(path, {})
