"""A loaded FHIR Questionnaire as the structure the screens, answers and scoring use.

``parse(resource)`` reads the JSON once (cached per questionnaire row): items with
their linkId, LOINC code, type, required/repeats flags, answer options (with the
``ordinalValue`` score and ``optionExclusive`` flag), ``enableWhen`` conditions and
the English/Spanish text (FHIR's ``translation`` extension on ``_text`` and
``_display``). Screens: a group that holds no further groups is one screen (one
SDoH domain); a question outside such a group is a screen of its own. That is what
"one question or one domain at a time on a phone" means for any questionnaire.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
ORDINAL_VALUE = "http://hl7.org/fhir/StructureDefinition/ordinalValue"
ITEM_WEIGHT = "http://hl7.org/fhir/StructureDefinition/itemWeight"
OPTION_EXCLUSIVE = "http://hl7.org/fhir/StructureDefinition/questionnaire-optionExclusive"
HIDDEN = "http://hl7.org/fhir/StructureDefinition/questionnaire-hidden"
ITEM_CONTROL = "http://hl7.org/fhir/StructureDefinition/questionnaire-itemControl"
CALCULATED = "http://hl7.org/fhir/uv/sdc/StructureDefinition/sdc-questionnaire-calculatedExpression"
MIN_VALUE = "http://hl7.org/fhir/StructureDefinition/minValue"
MAX_VALUE = "http://hl7.org/fhir/StructureDefinition/maxValue"
DATA_ABSENT_REASON = "http://hl7.org/fhir/StructureDefinition/data-absent-reason"
DATA_ABSENT_SYSTEM = "http://terminology.hl7.org/CodeSystem/data-absent-reason"
# Ours: the person may answer "I'd rather not say" (recorded as data-absent-reason asked-declined).
MAY_DECLINE = "https://wayfinder.example.org/fhir/StructureDefinition/may-decline"
LOINC = "http://loinc.org"

# Item types Wayfinder can ask. Attachment, reference and quantity answers need
# uploads or look-ups that a resident on a phone cannot give; such files are refused.
QUESTION_TYPES = frozenset(
    {"boolean", "decimal", "integer", "date", "dateTime", "time", "string", "text", "url", "choice", "open-choice"}
)
STRUCTURE_TYPES = frozenset({"group", "display"})
OPTION_VALUE_KEYS = ("valueCoding", "valueString", "valueInteger", "valueDate", "valueTime")


@dataclass(frozen=True)
class Option:
    key: str  # what the form posts: the code of a coding, else the value as text
    value_key: str  # valueCoding, valueString...
    value: Any
    display: str
    display_es: str
    ordinal: float | None
    exclusive: bool

    def label(self, language: str) -> str:
        return (self.display_es if language == "es" and self.display_es else self.display) or self.key

    def answer(self) -> dict:
        """This option as a QuestionnaireResponse answer."""
        return {self.value_key: self.value}


@dataclass(frozen=True)
class Condition:
    question: str
    operator: str
    value_key: str
    value: Any


@dataclass(eq=False)  # compared by identity: an item links to its parent and children
class Item:
    link_id: str
    type: str
    text: str = ""
    text_es: str = ""
    prefix: str = ""
    codes: list[dict] = field(default_factory=list)
    required: bool = False
    repeats: bool = False
    read_only: bool = False
    hidden: bool = False
    calculated: bool = False
    may_decline: bool = False
    max_length: int | None = None
    min_value: float | None = None
    max_value: float | None = None
    options: list[Option] = field(default_factory=list)
    enable_when: list[Condition] = field(default_factory=list)
    enable_behavior: str = "all"
    children: list[Item] = field(default_factory=list)
    help: str = ""
    help_es: str = ""
    parent: Item | None = field(default=None, repr=False)

    def label(self, language: str) -> str:
        return (self.text_es if language == "es" and self.text_es else self.text) or self.link_id

    def help_text(self, language: str) -> str:
        return self.help_es if language == "es" and self.help_es else self.help

    @property
    def code(self) -> str:
        """The first LOINC code (else the first code) of the question."""
        for coding in self.codes:
            if coding.get("system") == LOINC:
                return coding.get("code", "")
        return self.codes[0].get("code", "") if self.codes else ""

    @property
    def asks(self) -> bool:
        """A question the person answers on a screen (not a group, text, hidden or calculated item)."""
        return self.type in QUESTION_TYPES and not (self.read_only or self.hidden or self.calculated)

    def option(self, key: str) -> Option | None:
        return next((o for o in self.options if o.key == key), None)


@dataclass
class Screen:
    number: int
    item: Item  # a group (one domain) or a single question
    questions: list[Item]  # every question asked on it, in order

    def title(self, language: str) -> str:
        return self.item.label(language) if self.item.type == "group" else ""


@dataclass
class Form:
    url: str
    version: str
    title: str
    items: list[Item]
    by_id: dict[str, Item]
    screens: list[Screen]

    def questions(self) -> list[Item]:
        return [q for s in self.screens for q in s.questions]


def translation(element: dict | None, language: str = "es") -> str:
    """The ``translation`` extension's content for ``language`` on a primitive's ``_x`` element."""
    for extension in (element or {}).get("extension", []) or []:
        if extension.get("url") != TRANSLATION:
            continue
        parts = {e.get("url"): e for e in extension.get("extension", []) or []}
        if (parts.get("lang") or {}).get("valueCode", "").split("-")[0] == language:
            return str((parts.get("content") or {}).get("valueString", ""))
    return ""


def extension_value(node: dict, url: str) -> Any:
    for extension in node.get("extension", []) or []:
        if extension.get("url") == url:
            for key, value in extension.items():
                if key.startswith("value"):
                    return value
    return None


def _option(node: dict) -> Option:
    value_key = next((k for k in OPTION_VALUE_KEYS if k in node), "")
    value = node.get(value_key)
    if value_key == "valueCoding":
        key = str(value.get("code", ""))
        display = str(value.get("display", ""))
        display_es = translation(value.get("_display"))
        ordinal = extension_value(value, ORDINAL_VALUE)
    else:
        key = str(value)
        display = key
        display_es = translation(node.get("_" + value_key))
        ordinal = None
    if ordinal is None:
        ordinal = extension_value(node, ORDINAL_VALUE)
    if ordinal is None:
        ordinal = extension_value(node, ITEM_WEIGHT)
    return Option(
        key=key,
        value_key=value_key,
        value=value,
        display=display,
        display_es=display_es,
        ordinal=float(ordinal) if isinstance(ordinal, int | float) else None,
        exclusive=extension_value(node, OPTION_EXCLUSIVE) is True,
    )


def _condition(node: dict) -> Condition:
    value_key = next((k for k in node if k.startswith("answer")), "")
    return Condition(str(node.get("question", "")), str(node.get("operator", "")), value_key, node.get(value_key))


def _item(node: dict, parent: Item | None) -> Item:
    item = Item(
        link_id=str(node.get("linkId", "")),
        type=str(node.get("type", "")),
        text=str(node.get("text", "") or ""),
        text_es=translation(node.get("_text")),
        prefix=str(node.get("prefix", "") or ""),
        codes=[c for c in node.get("code", []) or [] if isinstance(c, dict)],
        required=node.get("required") is True,
        repeats=node.get("repeats") is True,
        read_only=node.get("readOnly") is True,
        hidden=extension_value(node, HIDDEN) is True,
        calculated=extension_value(node, CALCULATED) is not None,
        may_decline=extension_value(node, MAY_DECLINE) is True,
        max_length=node.get("maxLength") if isinstance(node.get("maxLength"), int) else None,
        options=[_option(o) for o in node.get("answerOption", []) or []],
        enable_when=[_condition(c) for c in node.get("enableWhen", []) or []],
        enable_behavior=str(node.get("enableBehavior", "all")),
        parent=parent,
    )
    for url, attribute in ((MIN_VALUE, "min_value"), (MAX_VALUE, "max_value")):
        bound = extension_value(node, url)
        if isinstance(bound, int | float) and not isinstance(bound, bool):
            setattr(item, attribute, float(bound))
    for child in node.get("item", []) or []:
        if _is_help(child):
            item.help, item.help_es = str(child.get("text", "")), translation(child.get("_text"))
            continue
        item.children.append(_item(child, item))
    return item


def _is_help(node: dict) -> bool:
    control = extension_value(node, ITEM_CONTROL) or {}
    codes = {c.get("code") for c in control.get("coding", [])} if isinstance(control, dict) else set()
    return node.get("type") == "display" and bool(codes & {"help", "flyover"})


def _walk(items: list[Item]):
    for item in items:
        yield item
        yield from _walk(item.children)


def _screens(items: list[Item]) -> list[Item]:
    """Groups without groups inside, and questions outside those, in questionnaire order."""
    out: list[Item] = []
    for item in items:
        if item.type == "group":
            if any(child.type == "group" for child in item.children):
                out += _screens(item.children)
            elif any(q.asks for q in _walk(item.children)):
                out.append(item)
        elif item.asks:
            out.append(item)
    return out


def parse(resource: dict) -> Form:
    items = [_item(node, None) for node in resource.get("item", []) or []]
    by_id = {item.link_id: item for item in _walk(items)}
    screens = []
    for number, item in enumerate(_screens(items), start=1):
        questions = [q for q in _walk([item]) if q.asks]
        screens.append(Screen(number, item, questions))
    return Form(
        url=str(resource.get("url", "")),
        version=str(resource.get("version", "")),
        title=str(resource.get("title") or resource.get("name") or ""),
        items=items,
        by_id=by_id,
        screens=screens,
    )


_FORMS: dict[tuple[int, str], Form] = {}


def form_of(questionnaire) -> Form:
    """The parsed form of a ``Questionnaire`` row, parsed once per process and version
    (rows never change: a new text is a new version with a new hash)."""
    key = (questionnaire.pk, questionnaire.sha256)
    form = _FORMS.get(key)
    if form is None:
        if len(_FORMS) > 64:
            _FORMS.clear()
        form = _FORMS[key] = parse(questionnaire.resource)
    return form
