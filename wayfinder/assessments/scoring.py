"""Scoring: the rules that turn answers into needs, read from data.

Every questionnaire carries its rules in a file beside its questions
(``<name>.rules.json``, format ``wayfinder-sdoh-rules/1``; docs/assessments.md
describes it). A rule names questions by ``linkId`` and answers by their codes,
so the CMS definitions of the AHC HRSN read as they are written:

    {"item": "71802-3", "answer_in": ["LA31994-9"], "sdohcc": ["housing-instability"]}
    {"score": "95614-4", "greater_than": 10}

Conditions are three-valued. An answered question gives true or false; a question
the person declined (``asked-declined``) or left blank gives *unknown*, because a
declined answer is neither a need nor a "no"; a question that was not asked
because an ``enableWhen`` ruled it out gives false (it does not apply). A domain is
``positive`` when any of its conditions is true, ``negative`` when all are false,
``incomplete`` otherwise, and ``not_asked`` when enableWhen left out every
question it reads (the AHC supplemental questions when staff skip them).
Calculated totals (the AHC safety score 95614-4) are computed only when every
part is answered: CMS scores the safety items together.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Any

from .answers import enabled
from .form import Form, Item

RULES_FORMAT = "wayfinder-sdoh-rules/1"
POSITIVE, NEGATIVE, INCOMPLETE, NOT_ASKED = "positive", "negative", "incomplete", "not_asked"
COMPARISONS = {
    "greater_than": lambda value, limit: value > limit,
    "at_least": lambda value, limit: value >= limit,
    "less_than": lambda value, limit: value < limit,
    "at_most": lambda value, limit: value <= limit,
}
ANSWER_TESTS = ("answer_in", "any_answer_except", "equals", *COMPARISONS)


@dataclass
class DomainResult:
    key: str
    category: str
    status: str
    sdohcc: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)

    @property
    def positive(self) -> bool:
        return self.status == POSITIVE


@dataclass
class Results:
    domains: list[DomainResult]
    calculated: dict[str, Any]
    flags: list[dict]

    @property
    def positive(self) -> list[DomainResult]:
        return [d for d in self.domains if d.positive]

    def to_json(self) -> dict:
        return {
            "format": RULES_FORMAT,
            "domains": [
                {
                    "key": d.key,
                    "category": d.category,
                    "status": d.status,
                    "sdohcc": d.sdohcc,
                    "evidence": d.evidence,
                    "declined": d.declined,
                }
                for d in self.domains
            ],
            "calculated": self.calculated,
            "flags": self.flags,
        }


class _Context:
    """What the conditions of one answer set see: item states and calculated values."""

    def __init__(self, form: Form, rules: dict, answers: dict[str, dict]) -> None:
        self.form, self.rules, self.answers = form, rules, answers
        self.declined_codes = set(rules.get("declined_answers", []))
        self.calculated: dict[str, Any] = {}

    def state(self, link_id: str) -> tuple[str, list]:
        """("disabled" | "declined" | "missing" | "answered", values)."""
        item = self.form.by_id.get(link_id)
        if item is None:
            return "missing", []
        if link_id in self.calculated:
            return "answered", [self.calculated[link_id]]
        if not enabled(self.form, item, self.answers):
            return "disabled", []
        entry = self.answers.get(link_id)
        if entry is None:
            return "missing", []
        if entry.get("declined") or any(v in self.declined_codes for v in entry.get("v", [])):
            return "declined", []
        return "answered", list(entry.get("v", []))

    def asked_parts(self, link_id: str) -> bool:
        """Whether any question a calculated value is made of was asked."""
        calc = next((c for c in self.rules.get("calculated", []) if c["linkId"] == link_id), {})
        parts = calc.get("sum") or calc.get("product") or calc.get("answered_any") or []
        return any(self.state(part)[0] != "disabled" for part in parts) if parts else link_id in self.calculated

    def number(self, item: Item, value: Any, overrides: dict) -> float | None:
        if isinstance(value, bool):
            return None
        if isinstance(value, int | float):
            return float(value)
        if str(value) in overrides:
            return float(overrides[str(value)])
        option = item.option(str(value))
        return option.ordinal if option is not None else None


def _evidence(ctx: _Context, link_id: str, values: list, codes: list[str]) -> dict:
    item = ctx.form.by_id.get(link_id)
    answers = []
    for value in values:
        option = item.option(str(value)) if item is not None else None
        if option is not None and option.value_key == "valueCoding":
            coding = option.value
            answers.append({"system": coding.get("system", ""), "code": coding.get("code", "")})
        else:
            answers.append({"value": value})
    return {"linkId": link_id, "code": item.code if item else "", "answers": answers, "sdohcc": codes}


def _condition(rule: dict, ctx: _Context, default_codes: list[str]) -> tuple[bool | None, list[dict], list[str], bool]:
    """(outcome, evidence of what made it true, linkIds declined, whether any question it reads was asked)."""
    codes = list(rule.get("sdohcc", default_codes))
    for combinator in ("any", "all"):
        if combinator in rule:
            parts = [_condition(part, ctx, codes) for part in rule[combinator]]
            outcomes = [p[0] for p in parts]
            declined = [link for p in parts for link in p[2]]
            evidence = [e for p in parts if p[0] for e in p[1]]
            asked = any(p[3] for p in parts)
            if combinator == "any":
                outcome = True if True in outcomes else (False if all(o is False for o in outcomes) else None)
            else:
                outcome = False if False in outcomes else (True if all(o is True for o in outcomes) else None)
            return outcome, evidence if outcome else [], declined, asked
    if "score" in rule:
        value = ctx.calculated.get(rule["score"])
        asked = ctx.asked_parts(rule["score"])
        if value is None:
            return (None if asked else False), [], [], asked
        test = next(k for k in COMPARISONS if k in rule)
        outcome = COMPARISONS[test](float(value), float(rule[test]))
        return outcome, [_evidence(ctx, rule["score"], [value], codes)] if outcome else [], [], True
    link_id = rule["item"]
    state, values = ctx.state(link_id)
    if state == "disabled":
        return False, [], [], False
    if state != "answered":
        return None, [], [link_id] if state == "declined" else [], True
    keys = [str(v) for v in values]
    if "answer_in" in rule:
        outcome = any(k in set(rule["answer_in"]) for k in keys)
    elif "any_answer_except" in rule:
        outcome = any(k not in set(rule["any_answer_except"]) for k in keys)
    elif "equals" in rule:
        outcome = bool(values) and values[0] == rule["equals"]
    else:
        test = next(k for k in COMPARISONS if k in rule)
        item = ctx.form.by_id[link_id]
        numbers = [n for n in (ctx.number(item, v, {}) for v in values) if n is not None]
        outcome = any(COMPARISONS[test](n, float(rule[test])) for n in numbers)
    return outcome, [_evidence(ctx, link_id, values, codes)] if outcome else [], [], True


def _calculate(ctx: _Context) -> None:
    for calc in ctx.rules.get("calculated", []):
        link_id = calc["linkId"]
        if "when" in calc:
            outcome, _evidence_list, _declined, _asked = _condition(calc["when"], ctx, [])
            if outcome is None and calc.get("unknown_is_else"):
                asked = [ctx.state(i)[0] == "answered" for i in calc.get("answered_any", [])]
                outcome = False if any(asked) else None
            if outcome is not None:
                ctx.calculated[link_id] = calc["then"] if outcome else calc["else"]
            continue
        parts = calc.get("sum") or calc.get("product") or []
        numbers = []
        for part in parts:
            state, values = ctx.state(part)
            number = ctx.number(ctx.form.by_id[part], values[0], calc.get("values", {})) if values else None
            if state != "answered" or number is None:
                numbers = []
                break
            numbers.append(number)
        if numbers:
            total = sum(numbers) if "sum" in calc else math.prod(numbers)
            ctx.calculated[link_id] = int(total) if float(total).is_integer() else total


def evaluate(form: Form, rules: dict, answers: dict[str, dict]) -> Results:
    """Score one complete answer set with the questionnaire's rules."""
    ctx = _Context(form, rules or {}, answers)
    _calculate(ctx)
    domains = []
    for domain in ctx.rules.get("domains", []):
        default_codes = list(domain.get("sdohcc", []))
        outcome, evidence, declined, asked = _condition({"any": domain["positive_if"]}, ctx, default_codes)
        status = POSITIVE if outcome else (NEGATIVE if outcome is False else INCOMPLETE)
        if not asked:
            status = NOT_ASKED  # every question of the domain was left out by enableWhen
        codes = sorted({c for e in evidence for c in e["sdohcc"]}) if outcome else []
        domains.append(DomainResult(domain["key"], domain["category"], status, codes, evidence, declined))
    flags = []
    for flag in ctx.rules.get("flags", []):
        outcome, evidence, _declined, _asked = _condition(flag["when"], ctx, [])
        if outcome:
            flags.append({"key": flag["key"], "evidence": evidence})
    return Results(domains, ctx.calculated, flags)
