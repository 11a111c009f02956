"""Loading a FHIR Questionnaire (and its rules) as a new version.

``read_file`` refuses hostile input before parsing: too large, not UTF-8, NUL
bytes, nesting deep enough to exhaust the parser. ``load_questionnaire`` then
checks the structure (fhir.resources) and Wayfinder's rules, and writes one row
in one transaction, retiring the previous version of the same questionnaire. A
refused file changes nothing. Loading the same version with the same content
again is a no-op; the same version with different content is refused (a changed
text is a new version, so no response ever points at words it did not answer).
"""

from __future__ import annotations

import hashlib
import json
import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.text import slugify

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from . import checks
from .form import parse, translation
from .models import Audience, Questionnaire

MAX_BYTES = 2 * 1024 * 1024
MAX_JSON_DEPTH = 64
SHIPPED = Path(__file__).resolve().parent / "questionnaires"
SHIPPED_KEYS = {"needs": "wayfinder-needs-assessment", "ahc-hrsn": "ahc-hrsn-screening"}


class QuestionnaireRefused(ValueError):
    def __init__(self, reasons: list[str]) -> None:
        super().__init__("; ".join(reasons))
        self.reasons = reasons


@dataclass
class Loaded:
    questionnaire: Questionnaire
    created: bool
    retired: int = 0


def _too_deep(text: str) -> bool:
    """Nesting depth by counting brackets outside strings (json.loads would recurse)."""
    depth = deepest = 0
    in_string = escaped = False
    for char in text:
        if in_string:
            if escaped:
                escaped = False
            elif char == "\\":
                escaped = True
            elif char == '"':
                in_string = False
        elif char == '"':
            in_string = True
        elif char in "[{":
            depth += 1
            deepest = max(deepest, depth)
            if deepest > MAX_JSON_DEPTH:
                return True
        elif char in "]}":
            depth -= 1
    return False


def read_json(data: bytes, what: str, *, limit: int = MAX_BYTES) -> Any:
    if len(data) > limit:
        raise QuestionnaireRefused([f"{what}: larger than {limit // (1024 * 1024)} MB"])
    if b"\x00" in data:
        raise QuestionnaireRefused([f"{what}: contains NUL bytes; not a JSON text file"])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        raise QuestionnaireRefused([f"{what}: not UTF-8 text (byte {error.start})"]) from None
    if _too_deep(text):
        raise QuestionnaireRefused([f"{what}: nested more than {MAX_JSON_DEPTH} levels deep"])
    try:
        return json.loads(text)
    except json.JSONDecodeError as error:
        raise QuestionnaireRefused(
            [f"{what}: not JSON (line {error.lineno}, column {error.colno}: {error.msg})"]
        ) from None


def read_file(path: Path, what: str, *, limit: int = MAX_BYTES) -> Any:
    """The JSON in ``path``, refused before parsing when hostile (see the module)."""
    try:
        with path.open("rb") as handle:
            data = handle.read(limit + 1)  # never more than the limit, whatever stat says
    except OSError as error:
        raise QuestionnaireRefused([f"{what}: cannot be read ({error.strerror or error})"]) from None
    return read_json(data, what, limit=limit)


def rules_path_for(path: Path) -> Path:
    """``ahc-hrsn.json`` keeps its rules in ``ahc-hrsn.rules.json`` beside it."""
    return path.with_name(re.sub(r"\.json$", "", path.name) + ".rules.json")


def shipped_rules_for(url: str) -> dict | None:
    """Rules this project ships for well-known questionnaires loaded from elsewhere
    (the SDOH Clinical Care Hunger Vital Sign and PRAPARE)."""
    for path in sorted(SHIPPED.glob("*.rules.json")):
        rules = read_file(path, path.name)
        if isinstance(rules, dict) and rules.get("questionnaire") == url:
            return rules
    return None


def digest(resource: dict, rules: dict) -> str:
    canonical = json.dumps({"resource": resource, "rules": rules}, sort_keys=True, separators=(",", ":"))
    return hashlib.sha256(canonical.encode()).hexdigest()


def check(resource: Any, rules: Any) -> list[str]:
    """Every reason to refuse this questionnaire and these rules (empty: fine)."""
    problems = checks.structure_errors(resource)
    if problems:
        return problems
    problems = checks.wayfinder_errors(resource)
    if problems:
        return problems
    return checks.rules_errors(parse(resource), rules) if rules else []


def load_questionnaire(resource: Any, rules: dict | None = None, *, actor=None, key: str = "") -> Loaded:
    """Check and store one questionnaire version (atomic, audited)."""
    if rules is None and isinstance(resource, dict):
        rules = shipped_rules_for(str(resource.get("url", "")))
    rules = rules or {}
    problems = check(resource, rules)
    if problems:
        raise QuestionnaireRefused(problems)
    key = key or rules.get("key") or slugify(resource.get("name") or resource.get("title") or "")[:64]
    if not checks.KEY_RE.match(key):
        raise QuestionnaireRefused(["name: give the questionnaire a name made of letters and digits"])
    sha = digest(resource, rules)
    url, version = resource["url"], str(resource["version"])
    existing = Questionnaire.objects.filter(url=url, version=version).first()
    if existing is not None:
        if existing.sha256 == sha:
            return Loaded(existing, created=False)
        raise QuestionnaireRefused(
            [f"version {version} of {url} is already loaded with other content; give the new text a new version"]
        )
    other = Questionnaire.objects.filter(key=key, status=Questionnaire.Status.ACTIVE).exclude(url=url).first()
    if other is not None:
        raise QuestionnaireRefused([f"the key {key!r} already names {other.url}; choose another key"])
    codes = [c.get("code", "") for c in resource.get("code", []) or [] if isinstance(c, dict)]
    with transaction.atomic():
        retired = Questionnaire.objects.filter(key=key, status=Questionnaire.Status.ACTIVE).update(
            status=Questionnaire.Status.RETIRED
        )
        questionnaire = Questionnaire.objects.create(
            key=key,
            url=url,
            version=version,
            name=str(resource.get("name", ""))[:200],
            title=str(resource.get("title") or resource.get("name"))[:300],
            title_es=translation(resource.get("_title"))[:300],
            code=(codes[0] if codes else "")[:32],
            audience=rules.get("offered_to", Audience.STAFF),
            resource=resource,
            rules=rules,
            sha256=sha,
            loaded_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        log_action(
            actor,
            names.QUESTIONNAIRE_LOADED,
            questionnaire,
            purpose="configuration",
            data={"url": url, "version": version, "key": key, "retired": retired, "sha256": sha},
        )
    return Loaded(questionnaire, created=True, retired=retired)


def load_path(path: Path, *, rules_path: Path | None = None, actor=None, key: str = "") -> Loaded:
    resource = read_file(path, path.name)
    rules = None
    candidate = rules_path or rules_path_for(path)
    if rules_path is not None or candidate.exists():
        rules = read_file(candidate, candidate.name)
    return load_questionnaire(resource, rules, actor=actor, key=key)


@lru_cache(maxsize=8)
def _shipped_identity(stem: str) -> tuple[str, str]:
    resource = read_file(SHIPPED / f"{stem}.json", stem)
    return str(resource.get("url", "")), str(resource.get("version", ""))


def shipped_are_active(active: list[Questionnaire]) -> bool:
    """Whether the version the project ships of each of its questionnaires is among
    ``active`` (then ``ensure_shipped`` has nothing to do, and a page that lists the
    active ones need not ask the database again per questionnaire)."""
    held = {(q.key, q.url, q.version) for q in active}
    return all((key, *_shipped_identity(stem)) in held for key, stem in SHIPPED_KEYS.items())


def ensure_shipped(key: str) -> Questionnaire | None:
    """The active version of a questionnaire the project ships, loaded on first use
    (a new deployment, an upgrade that ships a new version, a test database just
    emptied). A shipped version someone retired is never brought back."""
    stem = SHIPPED_KEYS.get(key)
    current = Questionnaire.objects.filter(key=key, status=Questionnaire.Status.ACTIVE).first()
    if stem is None:
        return current
    url, version = _shipped_identity(stem)
    if current is not None and (current.url, current.version) == (url, version):
        return current
    if Questionnaire.objects.filter(url=url, version=version).exists():
        return current
    try:
        return load_path(SHIPPED / f"{stem}.json").questionnaire
    except IntegrityError:  # another request loaded it at the same moment
        return Questionnaire.objects.filter(key=key, status=Questionnaire.Status.ACTIVE).first()
