"""What a Questionnaire file and its rules must be before they are loaded.

fhir.resources (R4B models) checks the structure: element names, types,
cardinality. It does not check codes (an item ``type`` of "nope" passes), so the
checks below add what Wayfinder relies on: a canonical URL and a version, item
types we can ask, unique linkIds, answer options for choices (answerValueSet
needs a terminology server we do not have), enableWhen pointing at real
questions, and rules that only name questions and answers that exist.
Each problem is one line of the refusal, with the linkId it concerns.
"""

from __future__ import annotations

import re
from typing import Any

from wayfinder.directory.categories import CATEGORY_BY_SLUG

from .domains import SDOHCC_CODES
from .form import OPTION_VALUE_KEYS, QUESTION_TYPES, STRUCTURE_TYPES, Form, parse
from .models import Audience
from .scoring import ANSWER_TESTS, COMPARISONS, RULES_FORMAT

MAX_ITEMS = 1000
MAX_DEPTH = 12
MAX_ERRORS = 20
ENABLE_OPERATORS = frozenset({"exists", "=", "!=", ">", "<", ">=", "<="})
KEY_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def structure_errors(resource: Any) -> list[str]:
    """fhir.resources' structural validation of an R4 Questionnaire, as readable lines."""
    from fhir.resources.R4B.questionnaire import Questionnaire
    from pydantic import ValidationError

    if not isinstance(resource, dict):
        return ["the file holds JSON, but not a FHIR resource (an object)"]
    if resource.get("resourceType") != "Questionnaire":
        return [f"resourceType is {str(resource.get('resourceType'))[:40]!r}, not 'Questionnaire'"]
    try:
        Questionnaire.model_validate(resource)
    except ValidationError as error:
        lines = []
        for problem in error.errors()[:MAX_ERRORS]:
            where = ".".join(str(p) for p in problem.get("loc", ()))
            lines.append(f"{where or 'Questionnaire'}: {problem.get('msg', 'invalid')}")
        return lines
    except (ValueError, TypeError, RecursionError) as error:
        return [f"not a valid FHIR Questionnaire: {str(error)[:200]}"]
    return []


def _depth(items: list, level: int = 1) -> int:
    return max((_depth(i.get("item", []) or [], level + 1) for i in items if isinstance(i, dict)), default=level)


def wayfinder_errors(resource: dict) -> list[str]:
    """Our own rules on a structurally valid Questionnaire."""
    errors: list[str] = []
    if not resource.get("url"):
        errors.append("url: a canonical URL is required (responses name the questionnaire by it)")
    if not resource.get("version"):
        errors.append("version: a version is required (every response keeps the version it answered)")
    if not (resource.get("title") or resource.get("name")):
        errors.append("title: a title is required (people choose the questionnaire by it)")
    if resource.get("status") not in ("draft", "active"):
        errors.append(f"status: {resource.get('status')!r}; only draft or active questionnaires can be offered")
    if _depth(resource.get("item", []) or []) > MAX_DEPTH:
        return [*errors, f"item: nested more than {MAX_DEPTH} levels deep"]
    seen: set[str] = set()
    count = 0

    def walk(items: list, path: str) -> None:
        nonlocal count
        for node in items:
            count += 1
            link_id, kind = str(node.get("linkId", "")), node.get("type")
            where = f"item {link_id!r}"
            if link_id in seen:
                errors.append(f"{where}: linkId used twice")
            seen.add(link_id)
            if kind not in QUESTION_TYPES | STRUCTURE_TYPES:
                errors.append(f"{where}: type {kind!r} cannot be asked by Wayfinder")
            if kind in ("choice", "open-choice"):
                if node.get("answerValueSet") and not node.get("answerOption"):
                    errors.append(f"{where}: answerValueSet needs a terminology server; list answerOption instead")
                elif not node.get("answerOption"):
                    errors.append(f"{where}: a choice question needs answerOption")
            keys = []
            for option in node.get("answerOption", []) or []:
                value_key = next((k for k in OPTION_VALUE_KEYS if k in option), None)
                if value_key is None:
                    errors.append(f"{where}: an answerOption of a kind Wayfinder cannot offer")
                    continue
                value = option[value_key]
                keys.append(str(value.get("code", "")) if value_key == "valueCoding" else str(value))
            if len(keys) != len(set(keys)):
                errors.append(f"{where}: two answer options share a code")
            if "" in keys:
                errors.append(f"{where}: an answer option has no code")
            walk(node.get("item", []) or [], path + "/" + link_id)

    walk(resource.get("item", []) or [], "")
    if count > MAX_ITEMS:
        errors.append(f"item: {count} items; at most {MAX_ITEMS}")
    if errors:
        return errors[:MAX_ERRORS]
    form = parse(resource)
    for item in form.by_id.values():
        for condition in item.enable_when:
            if condition.operator not in ENABLE_OPERATORS:
                errors.append(f"item {item.link_id!r}: enableWhen operator {condition.operator!r} is not FHIR R4")
            if condition.question not in form.by_id:
                errors.append(f"item {item.link_id!r}: enableWhen names question {condition.question!r}, not here")
    if not form.screens:
        errors.append("item: the questionnaire asks no question")
    return errors[:MAX_ERRORS]


def rules_errors(form: Form, rules: Any) -> list[str]:
    """The scoring rules make sense for this questionnaire."""
    if not isinstance(rules, dict):
        return ["rules: not a JSON object"]
    errors: list[str] = []
    if rules.get("format") != RULES_FORMAT:
        errors.append(f"rules format: {rules.get('format')!r}; expected {RULES_FORMAT!r}")
    if rules.get("questionnaire") and rules["questionnaire"] != form.url:
        errors.append(f"rules are for {rules['questionnaire']!r}, not {form.url!r}")
    if "key" in rules and not KEY_RE.match(str(rules["key"])):
        errors.append("rules key: lower-case letters, digits and hyphens")
    if rules.get("offered_to", Audience.STAFF) not in Audience.values:
        errors.append(f"offered_to: {rules.get('offered_to')!r}; one of {', '.join(Audience.values)}")
    calculated = set()
    for calc in rules.get("calculated", []):
        link_id = calc.get("linkId")
        item = form.by_id.get(link_id)
        if item is None:
            errors.append(f"calculated {link_id!r}: no such item")
            continue
        if item.asks:
            errors.append(f"calculated {link_id!r}: the item is asked; mark it readOnly or calculated")
        for part in calc.get("sum", []) + calc.get("product", []):
            if part not in form.by_id:
                errors.append(f"calculated {link_id!r}: part {part!r} is not an item")
        if "when" in calc:
            errors += _condition_errors(form, calc["when"], calculated, f"calculated {link_id!r}")
        elif not (calc.get("sum") or calc.get("product")):
            errors.append(f"calculated {link_id!r}: needs sum, product or when")
        calculated.add(link_id)
    keys = set()
    for domain in rules.get("domains", []):
        key = domain.get("key")
        where = f"domain {key!r}"
        if not key or key in keys:
            errors.append(f"{where}: every domain needs its own key")
        keys.add(key)
        if domain.get("category") not in CATEGORY_BY_SLUG:
            errors.append(f"{where}: category {domain.get('category')!r} is not a Wayfinder category")
        if not (domain.get("label") or {}).get("en"):
            errors.append(f"{where}: label.en is required")
        errors += _codes_errors(domain.get("sdohcc", []), where)
        if not domain.get("positive_if"):
            errors.append(f"{where}: positive_if lists no condition")
        for condition in domain.get("positive_if", []):
            errors += _condition_errors(form, condition, calculated, where)
    for flag in rules.get("flags", []):
        where = f"flag {flag.get('key')!r}"
        if not (flag.get("label") or {}).get("en"):
            errors.append(f"{where}: label.en is required")
        errors += _condition_errors(form, flag.get("when", {}), calculated, where)
    return errors[:MAX_ERRORS]


def _codes_errors(codes: Any, where: str) -> list[str]:
    if not isinstance(codes, list):
        return [f"{where}: sdohcc must be a list"]
    return [f"{where}: {c!r} is not an SDOH Clinical Care category code" for c in codes if c not in SDOHCC_CODES]


def _condition_errors(form: Form, rule: Any, calculated: set, where: str) -> list[str]:
    if not isinstance(rule, dict):
        return [f"{where}: a condition must be an object"]
    errors = _codes_errors(rule.get("sdohcc", []), where)
    for combinator in ("any", "all"):
        if combinator in rule:
            for part in rule[combinator]:
                errors += _condition_errors(form, part, calculated, where)
            return errors
    if "score" in rule:
        if rule["score"] not in calculated:
            errors.append(f"{where}: score {rule['score']!r} is not calculated above")
        if not any(k in rule for k in COMPARISONS):
            errors.append(f"{where}: a score needs greater_than, at_least, less_than or at_most")
        return errors
    item = form.by_id.get(rule.get("item"))
    if item is None:
        return [*errors, f"{where}: item {rule.get('item')!r} is not in the questionnaire"]
    tests = [k for k in ANSWER_TESTS if k in rule]
    if len(tests) != 1:
        return [*errors, f"{where}: item {item.link_id!r} needs exactly one test ({', '.join(ANSWER_TESTS)})"]
    if tests[0] in ("answer_in", "any_answer_except"):
        known = {o.key for o in item.options}
        errors += [
            f"{where}: {code!r} is not an answer of {item.link_id!r}" for code in rule[tests[0]] if code not in known
        ]
    return errors
