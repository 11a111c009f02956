"""Check every line of an eligibility feed before anything is written (the format
is docs/formats/eligibility-feed.md). A bad record is reported with its line,
individual id, field and reason, and changes nothing; good records still land.

Hostile input is a per-record error like any other, and the same one on SQLite
and PostgreSQL: text that a database would refuse or store differently (NUL
characters, lone surrogates such as ``\ud800``, control characters, values longer
than their column once upper- or lower-cased or transliterated), nesting deeper
than any record needs, and numbers too long to convert. Values quoted in error
messages are shortened and escaped, so a report can neither grow without bound
nor carry what it reports.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from typing import Any

from wayfinder.residents.models import EligibilityCase
from wayfinder.residents.names import name_key

PROGRAMS = set(EligibilityCase.Program.values)
CASE_STATUSES = {"active", "approved"}
RECORD_STATUSES = {"active", "inactive"}
_INDIVIDUAL_ID = re.compile(r"^[A-Z0-9-]{4,32}$")
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_ZIP = re.compile(r"^\d{5}(-\d{4})?$")
# NUL (PostgreSQL text cannot hold it), other C0/C1 controls and lone surrogates
# (not encodable as UTF-8, so neither database can store them).
_UNSTORABLE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\ud800-\udfff]")
# A record is at most four levels deep (record > cases > case > value).
MAX_DEPTH = 16
QUOTE_LIMIT = 40


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


def quote(value: Any) -> str:
    """A value as it may appear in an error message: escaped (``repr``) and short."""
    text = repr(value)
    return text if len(text) <= QUOTE_LIMIT else text[: QUOTE_LIMIT - 3] + "..."


def printable(value: str, limit: int = 64) -> str:
    """Text from the feed as it may be printed or written to a report: characters no
    file or terminal can hold are escaped, and it is cut at ``limit``."""
    value = _UNSTORABLE.sub(lambda m: m.group().encode("unicode_escape", "backslashreplace").decode(), value)
    return value if len(value) <= limit else value[: limit - 3] + "..."


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
        raise ValueError(f"not a valid date (YYYY-MM-DD): {quote(value)}") from None


def _text(
    record: dict,
    name: str,
    errors: list[tuple[str, str]],
    *,
    required: bool = False,
    max_length: int = 100,
    case: str = "",
    numbers: bool = False,
) -> str:
    """A text field, stripped and (``case`` "upper"/"lower") case-folded; its length
    is checked after folding, since "ß".upper() is "SS". ``numbers`` accepts whole
    numbers too (case numbers are digits; some senders write them as numbers)."""
    value = record.get(name, "")
    if value is None:
        value = ""
    if numbers and isinstance(value, int) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        errors.append((name, "must be text"))
        return ""
    value = value.strip()
    if case == "upper":
        value = value.upper()
    elif case == "lower":
        value = value.lower()
    if _UNSTORABLE.search(value):
        errors.append((name, "contains a control character, NUL or invalid Unicode (a lone surrogate)"))
        return ""
    if required and not value:
        errors.append((name, "required"))
    if len(value) > max_length:
        errors.append((name, f"longer than {max_length} characters"))
        return ""
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
    raw_id = record.get("individual_id")
    individual_id = _text(record, "individual_id", errors, required=True, max_length=32, case="upper")
    if individual_id and not _INDIVIDUAL_ID.match(individual_id):
        errors.append(("individual_id", "letters, digits and dashes only (4-32)"))
    if not individual_id and isinstance(raw_id, str) and raw_id.strip():
        individual_id = raw_id  # reported (escaped, shortened) but never stored or matched
    status = _text(record, "record_status", errors, max_length=16, case="lower") or "active"
    if status not in RECORD_STATUSES:
        errors.append(("record_status", f"unknown status {quote(status)} (active or inactive)"))
    out: dict[str, Any] = {"individual_id": individual_id, "record_status": status}
    for name, required in (("first_name", True), ("middle_name", False), ("last_name", True), ("suffix", False)):
        out[name] = _text(record, name, errors, required=required, max_length=16 if name == "suffix" else 100)
    for name in ("first_name", "last_name"):
        if len(name_key(out[name])) > 100:  # the search key, transliterated ("中" is "Zhong")
            errors.append((name, "longer than 100 characters once written in Latin letters"))
    out["date_of_birth"] = _birth_date(record.get("date_of_birth"), "date_of_birth", errors, required=True)
    out["sex"] = _text(record, "sex", errors, max_length=16)
    out["language"] = _text(record, "language", errors, max_length=8, case="lower") or "en"
    out["household_id"] = _text(record, "household_id", errors, max_length=32)
    out["email"] = _text(record, "email", errors, max_length=254, case="lower")
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
    problems: list[tuple[str, str]] = []
    for name, limit in (("line1", 200), ("line2", 200), ("city", 100), ("state", 2), ("zip", 10), ("county", 100)):
        out[name] = _text(address, name, problems, max_length=limit, case="upper" if name == "state" else "")
    errors.extend((f"address.{name}", reason) for name, reason in problems)
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
        problems: list[tuple[str, str]] = []
        program = _text(case, "program", problems, max_length=16, case="upper")
        if program not in PROGRAMS and not problems:
            problems.append(("program", f"unknown program {quote(case.get('program'))}"))
        number = _text(case, "case_number", problems, max_length=32, numbers=True)
        if not number and not any(name == "case_number" for name, _reason in problems):
            problems.append(("case_number", "required, at most 32 characters"))
        status = _text(case, "status", problems, max_length=16, case="lower")
        if status not in CASE_STATUSES and not any(name == "status" for name, _reason in problems):
            problems.append(("status", f"unknown status {quote(case.get('status'))} (active or approved)"))
        errors.extend((f"{where}.{name}", reason) for name, reason in problems)
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
            "individual_id": _text(member, "individual_id", member_errors, max_length=32, case="upper"),
            "first_name": _text(member, "first_name", member_errors, required=True),
            "last_name": _text(member, "last_name", member_errors, required=True),
            "date_of_birth": _birth_date(member.get("date_of_birth"), "date_of_birth", member_errors, required=False),
            "sex": _text(member, "sex", member_errors, max_length=16),
            "relationship": _text(member, "relationship", member_errors, max_length=32, case="lower"),
        }
        errors.extend((f"{where}.{name}", reason) for name, reason in member_errors)
        out.append(item)
    return sorted(out, key=lambda m: (m["individual_id"], m["last_name"], m["first_name"], m["date_of_birth"]))


def digest(record: dict) -> str:
    """A fingerprint of the canonical record: equal fingerprints mean "unchanged"."""
    return hashlib.sha256(json.dumps(record, sort_keys=True, separators=(",", ":")).encode()).hexdigest()


@dataclass
class Trailer:
    """The last line of a complete file: ``{"trailer": {"record_count": N}}``."""

    line: int
    record_count: int | None  # None: the trailer line is malformed


@dataclass
class ReadSummary:
    """What the reader saw besides records: how many record lines, and the trailer."""

    record_lines: int = 0
    trailers: list[Trailer] = field(default_factory=list)
    last_line_is_trailer: bool = False


def _too_deep(value: Any, limit: int) -> bool:
    """True if containers nest deeper than ``limit`` (without recursion)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if depth > limit:
            return True
        if isinstance(item, dict):
            stack.extend((child, depth + 1) for child in item.values() if isinstance(child, dict | list))
        elif isinstance(item, list):
            stack.extend((child, depth + 1) for child in item if isinstance(child, dict | list))
    return False


def _parse(text: str) -> tuple[Any, str]:
    """The JSON value of a line, or the reason it has none."""
    try:
        return json.loads(text), ""
    except json.JSONDecodeError as error:
        return None, f"not valid JSON: {error.msg}"
    except RecursionError:
        return None, f"nested more than {MAX_DEPTH} levels deep"
    except ValueError as error:  # e.g. an integer with more digits than Python converts
        return None, f"not valid JSON: {printable(str(error), 80)}"


def _trailer(payload: dict, line: int) -> Trailer:
    body = payload.get("trailer")
    count = body.get("record_count") if isinstance(body, dict) else None
    valid = isinstance(count, int) and not isinstance(count, bool) and count >= 0
    return Trailer(line, count if valid else None)


def _failed(line: int, reason: str, individual_id: str = "") -> FeedRecord:
    return FeedRecord(line, "", {}, errors=[FeedError(line, individual_id, "", reason)])


def read_records(lines: Iterable[tuple[int, str, str]], summary: ReadSummary | None = None) -> Iterator[FeedRecord]:
    """Parse and check each numbered line (blank lines are skipped). Each item is
    (line number, text, problem): a line the reader could not decode arrives with
    its problem. The trailer line is not a record; ``summary`` notes it."""
    summary = summary if summary is not None else ReadSummary()
    for number, raw, problem in lines:
        if not problem and not raw.strip():
            continue
        summary.last_line_is_trailer = False
        if problem:
            summary.record_lines += 1
            yield _failed(number, problem)
            continue
        payload, problem = _parse(raw)
        if not problem and isinstance(payload, dict) and "trailer" in payload and "individual_id" not in payload:
            summary.trailers.append(_trailer(payload, number))
            summary.last_line_is_trailer = True
            continue
        summary.record_lines += 1
        if problem:
            yield _failed(number, problem)
        elif not isinstance(payload, dict):
            yield _failed(number, "each line must be a JSON object")
        elif _too_deep(payload, MAX_DEPTH):
            yield _failed(number, f"nested more than {MAX_DEPTH} levels deep")
        else:
            data, problems = normalize(payload)
            shown = printable(data["individual_id"])
            record = FeedRecord(number, data["individual_id"], data, digest(data))
            record.errors = [FeedError(number, shown, name, reason) for name, reason in problems]
            yield record


def valid_id(individual_id: str) -> bool:
    return bool(_INDIVIDUAL_ID.match(individual_id))
