"""Answers as they are collected, screen by screen, before anything is stored.

The answers of an assessment in progress are a plain dict kept in the session:
``{linkId: {"v": [values]}}`` or ``{linkId: {"declined": True}}`` (the person chose
"I'd rather not say": stored as data-absent-reason ``asked-declined``, which is
neither a need nor a "no"). Values are option keys (the LOINC answer code),
booleans, numbers or text, each checked against the question before it is kept.

``read_screen`` takes one screen's form post. It refuses a post naming a question
that is not on the screen (a tampered ``linkId``), reports each bad answer next to
its question, and drops the answers of questions that an ``enableWhen`` no longer
asks (SDC: answers to disabled items are not kept).
"""

from __future__ import annotations

import datetime as dt
import math
import re
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from .form import Condition, Form, Item, Screen

DECLINED = "__declined__"
FIELD_PREFIX = "a-"
MAX_TEXT = 2000
MAX_NUMBER = 1_000_000_000
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class AnswerError(ValueError):
    """One answer that cannot be kept, with the message shown next to the question."""


class Tampered(ValueError):
    """The post names questions that are not on this screen."""


@dataclass
class ScreenResult:
    answers: dict[str, dict]
    errors: dict[str, str] = field(default_factory=dict)
    pending: list[str] = field(default_factory=list)  # questions the answers just opened on this screen


# --- enableWhen -----------------------------------------------------------------


def _comparable(item: Item | None, value: Any) -> Any:
    if item is not None and item.type == "decimal":
        return float(value)
    if item is not None and item.type in ("date", "dateTime"):
        return str(value)
    return value


def _expected(condition: Condition) -> Any:
    if condition.value_key == "answerCoding" and isinstance(condition.value, dict):
        return str(condition.value.get("code", ""))
    if condition.value_key == "answerDecimal":
        return float(condition.value)
    return condition.value


def condition_holds(form: Form, condition: Condition, answers: dict[str, dict]) -> bool:
    """One ``enableWhen`` (FHIR R4 semantics; an unanswered or declined question has no values)."""
    entry = answers.get(condition.question) or {}
    values = entry.get("v", [])
    if condition.operator == "exists":
        return bool(values) == bool(condition.value)
    if not values:
        return condition.operator == "!="
    target = form.by_id.get(condition.question)
    expected = _expected(condition)
    actual = [_comparable(target, v) for v in values]
    try:
        if condition.operator == "=":
            return expected in actual
        if condition.operator == "!=":
            return expected not in actual
        comparisons = {
            ">": lambda a: a > expected,
            "<": lambda a: a < expected,
            ">=": lambda a: a >= expected,
            "<=": lambda a: a <= expected,
        }
        return any(comparisons[condition.operator](a) for a in actual)
    except (KeyError, TypeError):
        return False


def enabled(form: Form, item: Item, answers: dict[str, dict]) -> bool:
    if item.parent is not None and not enabled(form, item.parent, answers):
        return False
    if not item.enable_when:
        return True
    results = (condition_holds(form, c, answers) for c in item.enable_when)
    return any(results) if item.enable_behavior == "any" else all(results)


def prune(form: Form, answers: dict[str, dict]) -> dict[str, dict]:
    """Drop answers to questions that are not (or no longer) asked, until nothing changes
    (a dropped answer can disable a question that depended on it)."""
    kept = {k: v for k, v in answers.items() if k in form.by_id and form.by_id[k].asks}
    while True:
        still = {k: v for k, v in kept.items() if enabled(form, form.by_id[k], kept)}
        if len(still) == len(kept):
            return still
        kept = still


# --- one answer -------------------------------------------------------------------


def _text(item: Item, value: str) -> str:
    if _CONTROL.search(value):
        raise AnswerError(_("Remove the special characters from this answer."))
    limit = min(item.max_length or MAX_TEXT, MAX_TEXT)
    if len(value) > limit:
        raise AnswerError(_("Please keep this answer under %(count)s characters.") % {"count": limit})
    if item.type == "url" and not re.match(r"^https?://\S+$", value):
        raise AnswerError(_("Enter a web address starting with http:// or https://."))
    return value


def _number(item: Item, value: str) -> int | float:
    try:
        if item.type == "integer":
            number: int | float = int(value)
        else:
            parsed = Decimal(value)
            if not parsed.is_finite():
                raise InvalidOperation
            number = float(parsed)
    except (ValueError, InvalidOperation):
        message = _("Enter a whole number.") if item.type == "integer" else _("Enter a number.")
        raise AnswerError(message) from None
    if not math.isfinite(number) or abs(number) > MAX_NUMBER:
        raise AnswerError(_("Enter a smaller number."))
    if item.min_value is not None and number < item.min_value:
        raise AnswerError(_("Enter %(min)s or more.") % {"min": _plain(item.min_value)})
    if item.max_value is not None and number > item.max_value:
        raise AnswerError(_("Enter %(max)s or less.") % {"max": _plain(item.max_value)})
    return number


def _plain(number: float) -> str:
    return str(int(number)) if float(number).is_integer() else str(number)


def _moment(item: Item, value: str) -> str:
    try:
        if item.type == "date":
            return dt.date.fromisoformat(value).isoformat()
        if item.type == "time":
            return dt.time.fromisoformat(value).isoformat()
        return dt.datetime.fromisoformat(value).isoformat()
    except ValueError:
        raise AnswerError(_("Enter a date like 2026-03-31.")) from None


def _choices(item: Item, raw: list[str]) -> list[str]:
    chosen = []
    for key in raw:
        option = item.option(key)
        if option is None:
            if item.type == "open-choice":
                chosen.append("text:" + _text(item, key))
                continue
            raise AnswerError(_("“%(value)s” is not one of the answers to this question.") % {"value": key[:40]})
        chosen.append(option.key)
    if len(chosen) > 1 and any(item.option(k) and item.option(k).exclusive for k in chosen):
        exclusive = next(item.option(k) for k in chosen if item.option(k) and item.option(k).exclusive)
        raise AnswerError(_("“%(answer)s” cannot be chosen with other answers.") % {"answer": exclusive.display})
    return list(dict.fromkeys(chosen))


def parse_answer(item: Item, raw: list[str]) -> dict | None:
    """The stored form of what was posted for ``item`` (None when nothing was given)."""
    values = [v.strip() for v in raw if v is not None and v.strip() != ""]
    if not values:
        return None
    if DECLINED in values:
        if not item.may_decline:
            raise AnswerError(_("This question cannot be skipped that way."))
        if len(values) > 1:
            raise AnswerError(_("Choose an answer or “I'd rather not say”, not both."))
        return {"declined": True}
    if len(values) > 1 and not item.repeats:
        raise AnswerError(_("Choose only one answer."))
    if item.type in ("choice", "open-choice"):
        return {"v": _choices(item, values)}
    if item.type == "boolean":
        if any(v not in ("true", "false") for v in values):
            raise AnswerError(_("Answer yes or no."))
        return {"v": [values[0] == "true"]}
    if item.type in ("integer", "decimal"):
        return {"v": [_number(item, v) for v in values]}
    if item.type in ("date", "dateTime", "time"):
        return {"v": [_moment(item, v) for v in values]}
    return {"v": [_text(item, v) for v in values]}


# --- one screen ---------------------------------------------------------------------


def shown_questions(form: Form, screen: Screen, answers: dict[str, dict]) -> list[Item]:
    """The questions a screen asks given the answers so far."""
    return [q for q in screen.questions if enabled(form, q, answers)]


def read_screen(
    form: Form, screen: Screen, data, answers: dict[str, dict], *, strict: bool, decline_label: str = ""
) -> ScreenResult:
    """Apply one screen's post (``data``: a QueryDict) to ``answers``.

    ``shown`` lists the questions the page displayed; only those are read. ``strict``
    (going forward) requires the required ones; going back keeps what is valid."""
    on_screen = {q.link_id for q in screen.questions}
    shown = set(data.getlist("shown"))
    posted = {key[len(FIELD_PREFIX) :] for key in data if key.startswith(FIELD_PREFIX)}
    if (shown | posted) - on_screen:
        raise Tampered(sorted((shown | posted) - on_screen))
    result = ScreenResult(dict(answers))
    for question in screen.questions:
        if question.link_id not in shown:
            continue
        if not enabled(form, question, result.answers):
            result.answers.pop(question.link_id, None)
            continue
        try:
            entry = parse_answer(question, data.getlist(FIELD_PREFIX + question.link_id))
        except AnswerError as error:
            result.errors[question.link_id] = str(error)
            continue
        if entry is None:
            result.answers.pop(question.link_id, None)
            if strict and question.required:
                result.errors[question.link_id] = missing_message(question, decline_label)
        else:
            result.answers[question.link_id] = entry
    result.answers = prune(form, result.answers)
    result.pending = [
        q.link_id
        for q in screen.questions
        if q.link_id not in shown and q.link_id not in result.answers and enabled(form, q, result.answers)
    ]
    return result


def missing_message(question: Item, decline_label: str = "") -> str:
    if question.may_decline:
        return _("Please answer this question, or choose “%(decline)s”.") % {
            "decline": decline_label or _("I'd rather not say")
        }
    return _("Please answer this question.")


def first_incomplete(form: Form, answers: dict[str, dict]) -> Screen | None:
    """The first screen with a required question that is asked but not answered."""
    for screen in form.screens:
        for question in shown_questions(form, screen, answers):
            if question.required and question.link_id not in answers:
                return screen
    return None


def check_all(form: Form, answers: dict[str, dict]) -> dict[str, dict]:
    """Re-check a whole answer set (from the session or an API caller) against the
    questionnaire: unknown questions, values not among the options, exclusivity.
    Returns the pruned answers; raises ``AnswerError`` or ``Tampered``."""
    unknown = [k for k in answers if k not in form.by_id or not form.by_id[k].asks]
    if unknown:
        raise Tampered(sorted(unknown))
    checked: dict[str, dict] = {}
    for link_id, entry in answers.items():
        item = form.by_id[link_id]
        if not isinstance(entry, dict):
            raise AnswerError(_("An answer could not be read."))
        raw = [DECLINED] if entry.get("declined") is True else [_raw(item, v) for v in entry.get("v", [])]
        parsed = parse_answer(item, raw)
        if parsed is not None:
            checked[link_id] = parsed
    return prune(form, checked)


def _raw(item: Item, value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str) and value.startswith("text:") and item.type == "open-choice":
        return value[5:]
    return str(value)
