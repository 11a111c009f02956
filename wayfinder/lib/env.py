"""Typed readers for settings that come from the environment.

Every reader refuses a value it cannot understand instead of guessing: a typo in
``DEBUG=flase`` must stop the server at start-up, not silently run it in debug mode.
"""

from __future__ import annotations

import json
import os
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import parse_qs, unquote, urlparse

_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}


class ImproperEnvironment(ValueError):
    """An environment variable holds a value the application refuses to run with."""


def _raw(name: str, environ: Mapping[str, str] | None) -> str | None:
    return (os.environ if environ is None else environ).get(name)


def env_str(name: str, default: str | None = None, *, environ: Mapping[str, str] | None = None) -> str:
    """A string setting; without a default the variable is required."""
    value = _raw(name, environ)
    if value is None:
        if default is None:
            raise ImproperEnvironment(f"{name} must be set")
        return default
    return value


def env_bool(name: str, default: bool, *, environ: Mapping[str, str] | None = None) -> bool:
    """A yes/no setting: 1/0, true/false, yes/no, on/off (any case)."""
    value = _raw(name, environ)
    if value is None:
        return default
    lowered = value.strip().lower()
    if lowered in _TRUE:
        return True
    if lowered in _FALSE:
        return False
    raise ImproperEnvironment(f"{name}={value!r} is not a boolean (use 1/0, true/false, yes/no, on/off)")


def env_int(
    name: str,
    default: int,
    *,
    minimum: int | None = None,
    maximum: int | None = None,
    environ: Mapping[str, str] | None = None,
) -> int:
    """An integer setting, optionally bounded."""
    value = _raw(name, environ)
    if value is None:
        return default
    try:
        number = int(value.strip())
    except ValueError:
        raise ImproperEnvironment(f"{name}={value!r} is not an integer") from None
    if minimum is not None and number < minimum:
        raise ImproperEnvironment(f"{name}={number} is below the minimum {minimum}")
    if maximum is not None and number > maximum:
        raise ImproperEnvironment(f"{name}={number} is above the maximum {maximum}")
    return number


def env_list(name: str, default: list[str], *, environ: Mapping[str, str] | None = None) -> list[str]:
    """A comma-separated list; blank items are dropped."""
    value = _raw(name, environ)
    if value is None:
        return list(default)
    return [item.strip() for item in value.split(",") if item.strip()]


def env_url(name: str, default: str, *, allow_http: bool = False, environ: Mapping[str, str] | None = None) -> str:
    """An absolute https URL without a trailing slash ("" when unset and the default is "")."""
    value = _raw(name, environ)
    return checked_url(name, default if value is None else value, allow_http=allow_http)


def checked_url(name: str, value: str, *, allow_http: bool = False) -> str:
    """``value`` as an absolute https URL without a trailing slash, or refused. Plain
    http only where ``allow_http`` (development, demo, tests): an identity provider
    or exchange reached over http would hand tokens to anyone on the path."""
    value = value.strip().rstrip("/")
    if not value:
        return ""
    parsed = urlparse(value)
    schemes = {"https", "http"} if allow_http else {"https"}
    if parsed.scheme not in schemes or not parsed.netloc or parsed.query or parsed.fragment:
        kind = "an http(s)" if allow_http else "an https"
        raise ImproperEnvironment(f"{name}={value!r} is not {kind} URL without query or fragment")
    return value


def env_json_objects(
    name: str,
    *,
    required: set[str],
    optional: set[str] = frozenset(),  # type: ignore[assignment]
    environ: Mapping[str, str] | None = None,
) -> list[dict[str, str]]:
    """A JSON list of objects whose values are strings, e.g. ``[{"name": "...", "iss": "..."}]``.
    Unset or blank is an empty list; bad JSON, a missing or unknown key, or a
    non-string value is refused (a typo must not silently drop an entry)."""
    value = _raw(name, environ)
    if value is None or not value.strip():
        return []
    try:
        parsed = json.loads(value)
    except ValueError:
        raise ImproperEnvironment(f"{name} is not valid JSON") from None
    if not isinstance(parsed, list):
        raise ImproperEnvironment(f"{name} must be a JSON list of objects")
    entries = []
    for index, entry in enumerate(parsed):
        if not isinstance(entry, dict):
            raise ImproperEnvironment(f"{name}[{index}] is not an object")
        missing = required - set(entry)
        unknown = set(entry) - required - set(optional)
        if missing or unknown:
            problems = [f"missing {', '.join(sorted(missing))}"] if missing else []
            problems += [f"unknown {', '.join(sorted(unknown))}"] if unknown else []
            raise ImproperEnvironment(f"{name}[{index}]: {'; '.join(problems)}")
        if not all(isinstance(v, str) for v in entry.values()):
            raise ImproperEnvironment(f"{name}[{index}]: every value must be a string")
        entries.append({key: v.strip() for key, v in entry.items()})
    return entries


def env_choice(name: str, default: str, choices: set[str], *, environ: Mapping[str, str] | None = None) -> str:
    """One of a fixed set of values (case-sensitive)."""
    value = env_str(name, default, environ=environ)
    if value not in choices:
        raise ImproperEnvironment(f"{name}={value!r} is not one of {', '.join(sorted(choices))}")
    return value


@dataclass(frozen=True)
class DatabaseConfig:
    engine: str
    name: str
    user: str = ""
    password: str = ""
    host: str = ""
    port: str = ""
    options: dict[str, str] | None = None


def parse_database_url(url: str, *, base_dir: Path) -> DatabaseConfig:
    """Understand ``sqlite:///relative/path``, ``sqlite:////absolute/path`` and
    ``postgres://user:password@host:port/name?sslmode=...`` (``postgresql://`` too).

    Relative SQLite paths are resolved against ``base_dir`` so ``make run`` works
    from any current directory.
    """
    parsed = urlparse(url)
    if parsed.scheme == "sqlite":
        path = unquote(parsed.path)
        if path.startswith("//"):
            db_path = Path(path[1:])
        elif path.startswith("/") and len(path) > 1:
            db_path = base_dir / path[1:]
        else:
            raise ImproperEnvironment(f"DATABASE_URL={url!r} has no SQLite file path (sqlite:///var/db.sqlite3)")
        return DatabaseConfig(engine="sqlite", name=str(db_path))
    if parsed.scheme in {"postgres", "postgresql", "pgsql"}:
        name = unquote(parsed.path.lstrip("/"))
        if not name:
            raise ImproperEnvironment(f"DATABASE_URL={url!r} names no database")
        try:
            port = str(parsed.port or "")
        except ValueError:
            raise ImproperEnvironment(f"DATABASE_URL={url!r} has a bad port") from None
        options = {key: values[-1] for key, values in parse_qs(parsed.query).items()}
        return DatabaseConfig(
            engine="postgresql",
            name=name,
            user=unquote(parsed.username or ""),
            password=unquote(parsed.password or ""),
            host=unquote(parsed.hostname or ""),
            port=port,
            options=options,
        )
    raise ImproperEnvironment(f"DATABASE_URL={url!r}: only sqlite:// and postgres:// are supported")


# What the local file may set: a development checkout's mode, nothing else (no
# secrets, no database; production never has the file).
LOCAL_ENV_KEYS = frozenset({"DEBUG", "WAYFINDER_DEMO"})


def load_local_env(path: Path, environ: dict[str, str] | None = None) -> dict[str, str]:
    """Read ``KEY=value`` lines of the file ``make run`` writes (``var/local.env``)
    into the environment, so the commands the README prints (``manage.py demo_totp
    EMAIL``) run in the demo's mode without typing ``DEBUG=1`` in front. A variable
    already set wins; a missing file changes nothing; any key other than
    ``LOCAL_ENV_KEYS`` or a line that is not ``KEY=value`` is refused. Returns what
    it set."""
    target = os.environ if environ is None else environ
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return {}
    applied = {}
    for number, line in enumerate(text.splitlines(), 1):
        line = line.strip()
        if not line or line.startswith("#"):
            continue
        key, sep, value = line.partition("=")
        key, value = key.strip(), value.strip()
        if not sep or key not in LOCAL_ENV_KEYS:
            raise ImproperEnvironment(
                f"{path}:{number}: only {', '.join(sorted(LOCAL_ENV_KEYS))} may be set there (KEY=value)"
            )
        if key not in target:
            target[key] = value
            applied[key] = value
    return applied
