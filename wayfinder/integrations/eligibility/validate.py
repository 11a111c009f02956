"""Check every line of an eligibility feed before anything is written (the format
is docs/formats/eligibility-feed.md). A bad record is reported with its line,
individual id, field and reason, and changes nothing; good records still land."""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wayfinder.residents.models import EligibilityCase

PROGRAMS = set(EligibilityCase.Program.values)
CASE_STATUSES = {"active", "approved"}
RECORD_STATUSES = {"active", "inactive"}
_INDIVIDUAL_ID = re.compile(r"^[A-Z0-9-]{4,32}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")


@dataclass(frozen=True)
class FeedError:
    line: int
    individual_id: str
    field: str
    reason: str


@dataclass
class FeedRecord:
    line: int
    individual_id: str
    data: dict[str, Any]
    digest: str = ""
    errors: list[FeedError] = field(default_factory=list)


def parse_date(value: Any, *, required: bool) -> datetime.date | None:
    if value in (None, ""):
        if required:
            raise ValueError("required")
        return None
    if not isinstance(value, str):
        raise ValueError("must be a date written YYYY-MM-DD")
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise ValueError(f"not a valid date (YYYY-MM-DD): {value!r}") from None


def _text(record: dict, name: str, errors: list[tuple[str, str]], *, required=False, max_length=100) -> str:
    value = record.get(name, "")
    if value is None:
        value = ""
    if not isinstance(value, str):
        errors.append((name, "must be text"))
        return ""
    value = value.strip()
    if required and not value:
        errors.append((name, "required"))
    if len(value) > max_length:
        errors.append((name, f"longer than {max_length} characters"))
    return value


def _birth_date(value: Any, name: str, errors: list[tuple[str, str]], *, required: bool) -> str:
    try:
        parsed = parse_date(value, required=required)
    except ValueError as error:
        errors.append((name, str(error)))
        return ""
    if parsed and not (datetime.date(1900, 1, 1) <= parsed <= datetime.date.today()):
        errors.append((name, "outside 1900-01-01 .. today"))
    return parsed.isoformat() if parsed else ""


def normalize(record: dict) -> tuple[dict, list[tuple[str, str]]]:
    """The record in canonical form, and its problems as (field, reason)."""
    errors: list[tuple[str, str]] = []
    individual_id = _text(record, "individual_id", errors, required=True, max_length=32).upper()
    if individual_id and not _INDIVIDUAL_ID.match(individual_id):
        errors.append(("individual_id", "letters, digits and dashes only (4-32)"))
    status = (record.get("record_status") or "active").strip().lower()
    if status not in RECORD_STATUSES:
        errors.append(("record_status", f"unknown status {status!r} (active or inactive)"))
    out: dict[str, Any] = {"individual_id": individual_id, "record_status": status}
    for name, required in (("first_name", True), ("middle_name", False), ("last_name", True), ("suffix", False)):
        out[name] = _text(record, name, errors, required=required, max_length=16 if name == "suffix" else 100)
    out["date_of_birth"] = _birth_date(record.get("date_of_birth"), "date_of_birth", errors, required=True)
    out["sex"] = _text(record, "sex", errors, max_length=16)
    out["language"] = _text(record, "language", errors, max_length=8).lower() or "en"
    out["household_id"] = _text(record, "household_id", errors, max_length=32)
    out["email"] = _text(record, "email", errors, max_length=254).lower()
    if out["email"] and not _EMAIL.match(out["email"]):
        errors.append(("email", "not an email address"))
    out["phone"] = _text(record, "phone", errors, max_length=32)
    digits = re.sub(r"\D", "", out["phone"])
    if out["phone"] and len(digits) not in (10, 11):
        errors.append(("phone", "not a 10-digit phone number"))
    out["address"] = _address(record.get("address") or {}, errors)
    out["cases"] = _cases(record.get("cases") or [], errors)
    out["household_members"] = _members(record.get("household_members") or [], errors)
    return out, errors


def _address(address: Any, errors: list[tuple[str, str]]) -> dict:
    if not isinstance(address, dict):
        errors.append(("address", "must be an object"))
        return {}
    out = {}
    for name, limit in (("line1", 200), ("line2", 200), ("city", 100), ("state", 2), ("zip", 10), ("county", 100)):
        value = address.get(name) or ""
        if not isinstance(value, str):
            errors.append((f"address.{name}", "must be text"))
            value = ""
        if len(value.strip()) > limit:
            errors.append((f"address.{name}", f"longer than {limit} characters"))
        out[name] = value.strip()
    out["state"] = out["state"].upper()
    if out["zip"] and not _ZIP.match(out["zip"]):
        errors.append(("address.zip", "not a ZIP code"))
    return out


def _cases(cases: Any, errors: list[tuple[str, str]]) -> list[dict]:
    if not isinstance(cases, list):
        errors.append(("cases", "must be a list"))
        return []
    out = []
    for index, case in enumerate(cases):
        where = f"cases[{index}]"
        if not isinstance(case, dict):
            errors.append((where, "must be an object"))
            continue
        program = str(case.get("program") or "").strip().upper()
        if program not in PROGRAMS:
            errors.append((f"{where}.program", f"unknown program {case.get('program')!r}"))
        number = str(case.get("case_number") or "").strip()
        if not number or len(number) > 32:
            errors.append((f"{where}.case_number", "required, at most 32 characters"))
        status = str(case.get("status") or "").strip().lower()
        if status not in CASE_STATUSES:
            errors.append((f"{where}.status", f"unknown status {case.get('status')!r} (active or approved)"))
        dates = {}
        for name in ("begin_date", "end_date", "approved_date"):
            try:
                parsed = parse_date(case.get(name), required=False)
                dates[name] = parsed.isoformat() if parsed else ""
            except ValueError as error:
                errors.append((f"{where}.{name}", str(error)))
        out.append({"program": program, "case_number": number, "status": status, **dates})
    return sorted(out, key=lambda c: (c["program"], c["case_number"]))


def _members(members: Any, errors: list[tuple[str, str]]) -> list[dict]:
    if not isinstance(members, list):
        errors.append(("household_members", "must be a list"))
        return []
    out = []
    for index, member in enumerate(members):
        where = f"household_members[{index}]"
        if not isinstance(member, dict):
            errors.append((where, "must be an object"))
            continue
        member_errors: list[tuple[str, str]] = []
        item = {
            "individual_id": _text(member, "individual_id", member_errors, max_length=32).upper(),
            "first_name": _text(member, "first_name", member_errors, required=True),
            "last_name": _text(member, "last_name", member_errors, required=True),
            "date_of_birth": _birth_date(member.get("date_of_birth"), "date_of_birth", member_errors, required=False),
            "sex": _text(member, "sex", member_errors, max_length=16),
            "relationship": _text(member, "relationship", member_errors, max_length=32).lower(),
        }
        errors.extend((f"{where}.{name}", reason) for name, reason in member_errors)
        out.append(item)
    return sorted(out, key=lambda m: (m["individual_id"], m["last_name"], m["first_name"], m["date_of_birth"]))


def digest(record: dict) -> str:
    """A fingerprint of the canonical record: equal fingerprints mean "unchanged"."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


def read_records(lines: Iterable[str]) -> Iterator[FeedRecord]:
    """Parse and check each line (blank lines are skipped)."""
    for number, raw in enumerate(lines, start=1):
        if not raw.strip():
            continue
        try:
            payload = json.loads(raw)
        except json.JSONDecodeError as error:
            yield FeedRecord(number, "", {}, errors=[FeedError(number, "", "", f"not valid JSON: {error.msg}")])
            continue
        if not isinstance(payload, dict):
            yield FeedRecord(number, "", {}, errors=[FeedError(number, "", "", "each line must be a JSON object")])
            continue
        data, problems = normalize(payload)
        record = FeedRecord(number, data["individual_id"], data, digest(data))
        record.errors = [FeedError(number, data["individual_id"], name, reason) for name, reason in problems]
        yield record


def flag_duplicates(records: list[FeedRecord]) -> None:
    """An individual id on two lines: neither line is trusted, both are reported."""
    lines: dict[str, list[FeedRecord]] = {}
    for record in records:
        if record.individual_id:
            lines.setdefault(record.individual_id, []).append(record)
    for individual_id, same in lines.items():
        if len(same) > 1:
            numbers = ", ".join(str(r.line) for r in same)
            for record in same:
                record.errors.append(
                    FeedError(record.line, individual_id, "individual_id", f"appears on several lines ({numbers})")
                )
