"""Taking a questionnaire one screen at a time, with the answers kept in the session.

Nothing reaches the database until the assessment is submitted: the answers so
far live in the session under one key per questionnaire and subject (the resident
staff are working with, or the person themselves), with the version they answer
and a submission key made when the assessment started. Every form carries that
version: a post for a version that no longer exists, or another one than the
session's, is refused and the person starts again. The pages work without
JavaScript: each screen is a form, Back and Next are buttons, and the answers
survive going back and forth.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _

from .answers import DECLINED, FIELD_PREFIX, enabled, shown_questions
from .form import Form, Item, Screen, form_of
from .models import Questionnaire

SESSION_PREFIX = "assessment:"


def session_key(questionnaire_key: str, subject: str) -> str:
    return f"{SESSION_PREFIX}{questionnaire_key}:{subject}"


def new_state(questionnaire: Questionnaire) -> dict:
    return {
        "questionnaire": questionnaire.pk,
        "version": questionnaire.version,
        "answers": {},
        "submission_key": str(uuid.uuid4()),
        "started": timezone.now().isoformat(),
    }


def questionnaire_of(state: dict | None) -> Questionnaire | None:
    if not state:
        return None
    return Questionnaire.objects.filter(pk=state.get("questionnaire"), version=state.get("version")).first()


class VersionGone(LookupError):
    """The form names a questionnaire version that no longer exists, or not the one begun."""


def check_version(state: dict | None, posted_version: str | None) -> Questionnaire:
    questionnaire = questionnaire_of(state)
    if questionnaire is None or posted_version != questionnaire.version:
        raise VersionGone
    return questionnaire


def asked_screens(form: Form, answers: dict) -> list[Screen]:
    """The screens that ask something given the answers so far (enableWhen can skip whole screens)."""
    return [s for s in form.screens if shown_questions(form, s, answers)]


def neighbours(form: Form, answers: dict, number: int) -> tuple[int | None, int | None]:
    asked = [s.number for s in asked_screens(form, answers)]
    before = [n for n in asked if n < number]
    after = [n for n in asked if n > number]
    return (before[-1] if before else None), (after[0] if after else None)


def position(form: Form, answers: dict, number: int) -> tuple[int, int]:
    asked = [s.number for s in asked_screens(form, answers)]
    return (asked.index(number) + 1 if number in asked else 1), len(asked)


# --- the screen as the template shows it ---------------------------------------------


@dataclass
class Choice:
    value: str
    label: str
    checked: bool
    id: str


@dataclass
class Field:
    item: Item
    name: str
    id: str
    label: str
    help: str
    widget: str  # radio | checkbox | number | text | textarea | date | time | datetime-local | url
    required: bool
    choices: list[Choice] = field(default_factory=list)
    value: str = ""
    decline: Choice | None = None
    error: str = ""
    minimum: str = ""
    maximum: str = ""
    step: str = ""

    @property
    def grouped(self) -> bool:
        return self.widget in ("radio", "checkbox")


def decline_label(staff: bool) -> str:
    return _("Declined to answer") if staff else _("I'd rather not say")


WIDGETS = {
    "integer": "number",
    "decimal": "number",
    "date": "date",
    "time": "time",
    "dateTime": "datetime-local",
    "string": "text",
    "url": "url",
    "text": "textarea",
}


def _safe_id(link_id: str) -> str:
    return "q-" + "".join(ch if ch.isalnum() else "-" for ch in link_id)


def _posted(item: Item, values: dict[str, list[str]] | None, answers: dict) -> list[str]:
    """What to show as given: the post being corrected, else the stored answer."""
    if values is not None:
        return values.get(FIELD_PREFIX + item.link_id, [])
    entry = answers.get(item.link_id)
    if entry is None:
        return []
    if entry.get("declined"):
        return [DECLINED]
    shown = []
    for value in entry.get("v", []):
        if isinstance(value, bool):
            shown.append("true" if value else "false")
        elif isinstance(value, str) and value.startswith("text:"):
            shown.append(value[5:])
        elif isinstance(value, float) and value.is_integer() and item.type == "integer":
            shown.append(str(int(value)))
        else:
            shown.append(str(value))
    return shown


def fields_for(
    form: Form,
    screen: Screen,
    answers: dict,
    *,
    language: str,
    staff: bool,
    posted: dict[str, list[str]] | None = None,
    errors: dict[str, str] | None = None,
) -> list[Field]:
    errors = errors or {}
    declined_text = decline_label(staff)
    out = []
    for item in shown_questions(form, screen, answers):
        given = _posted(item, posted, answers)
        base = _safe_id(item.link_id)
        widget = (
            "checkbox"
            if item.repeats and item.options
            else ("radio" if item.options else WIDGETS.get(item.type, "text"))
        )
        if item.type == "boolean":
            widget = "radio"
        entry = Field(
            item=item,
            name=FIELD_PREFIX + item.link_id,
            id=base,
            label=(item.prefix + " " if item.prefix else "") + item.label(language),
            help=item.help_text(language),
            widget=widget,
            required=item.required,
            error=errors.get(item.link_id, ""),
        )
        if item.type == "boolean":
            entry.choices = [
                Choice("true", _("Yes"), "true" in given, f"{base}-yes"),
                Choice("false", _("No"), "false" in given, f"{base}-no"),
            ]
        elif item.options:
            entry.choices = [
                Choice(o.key, o.label(language), o.key in given, f"{base}-{n}") for n, o in enumerate(item.options)
            ]
        else:
            entry.value = next((g for g in given if g != DECLINED), "")
            if item.type in ("integer", "decimal"):
                entry.step = "1" if item.type == "integer" else "any"
                entry.minimum = "" if item.min_value is None else f"{item.min_value:g}"
                entry.maximum = "" if item.max_value is None else f"{item.max_value:g}"
        if item.may_decline:
            entry.decline = Choice(DECLINED, declined_text, DECLINED in given, f"{base}-declined")
        out.append(entry)
    return out


def summary(form: Form, answers: dict, language: str, *, staff: bool) -> list[dict[str, Any]]:
    """Every asked question with its answer in words, screen by screen (review pages, print)."""
    declined = decline_label(staff)
    out = []
    for screen in asked_screens(form, answers):
        rows = []
        for item in screen.questions:
            if not enabled(form, item, answers) or item.link_id not in answers:
                continue
            entry = answers[item.link_id]
            if entry.get("declined"):
                text = declined
            else:
                text = ", ".join(_answer_words(item, v, language) for v in entry.get("v", []))
            rows.append({"question": item.label(language), "answer": text, "code": item.code})
        out.append({"number": screen.number, "title": screen.title(language), "rows": rows})
    return out


def _answer_words(item: Item, value: Any, language: str) -> str:
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    option = item.option(str(value)) if item.options else None
    if option is not None:
        return option.label(language)
    if isinstance(value, str) and value.startswith("text:"):
        return value[5:]
    return str(value)


def form_for_state(state: dict) -> tuple[Questionnaire, Form] | None:
    questionnaire = questionnaire_of(state)
    return (questionnaire, form_of(questionnaire)) if questionnaire else None
