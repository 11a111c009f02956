"""Enrollment-aware suggestions (docs/product.md 10.4): what the household already has, and
what it likely qualifies for, read from ``rules/programs.json``.

A program the household has an active or approved eligibility case for is named
("Already enrolled in SNAP since March 2025") and services offering it are not
suggested again. A likely program is flagged when its rule holds and the household
does not have it: "A child under 5 lives in the household" and a food need → WIC.
These are prompts for a person to check, never eligibility decisions.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

from django.db.models import CharField, DateField, F, Value

RULES_FILE = Path(__file__).resolve().parent / "rules" / "programs.json"


@dataclass
class Household:
    """What the eligibility feed says about the resident's household."""

    enrolled: dict[str, dt.date | None] = field(default_factory=dict)  # program -> since
    ages: list[int] = field(default_factory=list)  # of every member, the resident included


@dataclass
class Enrolled:
    program: str
    label: str
    since: dt.date | None


@dataclass
class Likely:
    program: str
    label: str
    reason: str
    search_words: str


@lru_cache(maxsize=1)
def rules() -> dict:
    return json.loads(RULES_FILE.read_text(encoding="utf-8"))


def _label(program: str, language: str) -> str:
    labels = rules()["programs"].get(program, {}).get("label", {})
    return labels.get(language) or labels.get("en") or program


def _age(born: dt.date | None, today: dt.date) -> int | None:
    if born is None:
        return None
    return today.year - born.year - ((today.month, today.day) < (born.month, born.day))


def household_of(resident, today: dt.date | None = None) -> Household:
    """Active or approved cases and the members' ages, in one query (a UNION ALL of
    the two tables): every suggestions page and record reads it, and on PostgreSQL
    each query is a round trip (docs/performance.md, "Suggested resources")."""
    today = today or dt.date.today()
    cases = resident.cases.filter(status__in=("active", "approved"), closed_at__isnull=True).annotate(
        row_program=F("program"), row_date=F("begin_date"), row_approved=F("approved_date")
    )
    members = resident.household.filter(left_at__isnull=True).annotate(
        row_program=Value("", output_field=CharField()),
        row_date=F("date_of_birth"),
        row_approved=Value(None, output_field=DateField()),
    )
    columns = ("row_program", "row_date", "row_approved")
    # No ORDER BY inside a compound statement (SQLite refuses one; the models' default ordering adds it).
    rows = cases.order_by().values_list(*columns).union(members.order_by().values_list(*columns), all=True)
    enrolled: dict[str, dt.date | None] = {}
    births = [resident.date_of_birth]
    for program, date, approved in rows:
        if not program:  # a household member: the date is their birth date
            births.append(date)
            continue
        since = date or approved
        current = enrolled.get(program)
        enrolled[program] = min(d for d in (current, since) if d) if (current or since) else None
    ages = [a for a in (_age(b, today) for b in births) if a is not None]
    return Household(dict(sorted(enrolled.items())), ages)


def _holds(condition: dict[str, Any], household: Household) -> bool:
    if "all" in condition:
        return all(_holds(c, household) for c in condition["all"])
    if "any" in condition:
        return any(_holds(c, household) for c in condition["any"])
    if "member_under_age" in condition:
        return any(age < condition["member_under_age"] for age in household.ages)
    if "enrolled_any" in condition:
        return any(p in household.enrolled for p in condition["enrolled_any"])
    return False


def enrolled_for(need: str, household: Household, language: str) -> list[Enrolled]:
    programs = rules()["programs"]
    return [
        Enrolled(program, _label(program, language), since)
        for program, since in sorted(household.enrolled.items())
        if need in programs.get(program, {}).get("needs", [])
    ]


def likely_for(need: str, household: Household, language: str) -> list[Likely]:
    out = []
    for rule in rules()["likely"]:
        program = rule["program"]
        if rule["need"] != need or program in household.enrolled or not _holds(rule["when"], household):
            continue
        words = rules()["programs"].get(program, {}).get("service_words", [program.lower()])
        reason = rule["reason"].get(language) or rule["reason"]["en"]
        out.append(Likely(program, _label(program, language), reason, words[0]))
    return out


@lru_cache(maxsize=64)
def _pattern(programs: tuple[str, ...]) -> re.Pattern | None:
    words = [w for p in programs for w in rules()["programs"].get(p, {}).get("service_words", [])]
    if not words:
        return None
    return re.compile(r"\b(" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + r")\b", re.I)


def offers_enrolled_program(service_name: str, household: Household) -> bool:
    """Whether a service (by its name) offers a program the household already has."""
    pattern = _pattern(tuple(sorted(household.enrolled)))
    return bool(pattern and pattern.search(service_name or ""))
