"""Reading QuestionnaireResponses written by another system, tolerantly, saying
what was assumed (docs/assessments.md, "Checking answer sets from another system":
real EHR bundles differ in small ways),
and scoring them without storing anything.

``response.answers_from`` reads back our own documents exactly. Documents from
elsewhere may name questions by a path (``/96777-8/71802-3``) rather than our
linkId, may group the screening under another panel (100698-0), and may mark a
declined question with an answer coded ``asked-declined`` (data-absent-reason)
instead of the extension. ``read_response`` maps all of these, ignores questions
the questionnaire does not ask, and returns a note for every assumption so the
person checking the file can see it. Calculated totals (the AHC safety score
95614-4) are always recomputed from the answers; a total sent that disagrees is
named, never trusted.

``score_document`` is what ``manage.py score_response`` runs for each response:
the questionnaire's own rules (the same ``scoring.evaluate`` a submitted
assessment uses), and the needs a submit would open or confirm. It writes
nothing: a shipped questionnaire that this database has not loaded yet is read
from the project's file rather than loaded.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from . import loading
from .answers import AnswerError, Tampered, check_all, shown_questions
from .domains import category_label
from .form import DATA_ABSENT_REASON, Form, Item, form_of
from .models import Questionnaire
from .scoring import Results, evaluate

MAX_ITEMS = 5000
MAX_RESPONSE_BYTES = 16 * 1024 * 1024  # a bundle of a few thousand responses
SCORED_STATUSES = ("completed", "amended", "in-progress", "stopped")


class NotScored(ValueError):
    """This response cannot be scored; the message says why."""


@dataclass
class Read:
    answers: dict[str, dict]
    notes: list[str] = field(default_factory=list)
    sent_calculated: dict[str, Any] = field(default_factory=dict)


@dataclass
class Scored:
    questionnaire: Questionnaire
    results: Results
    notes: list[str]
    unanswered: list[str]  # required questions that were asked but have no answer

    def needs(self) -> list[dict]:
        """The needs a submit would open or confirm: one per Wayfinder category
        (``needs.record_need`` files a need by its domain), with the SDOHCC codes."""
        by_category: dict[str, dict] = {}
        for domain in self.results.positive:
            need = by_category.setdefault(
                domain.category,
                {"category": domain.category, "label": category_label(domain.category, "en"), "sdohcc": [], "from": []},
            )
            need["sdohcc"] = sorted(set(need["sdohcc"]) | set(domain.sdohcc))
            need["from"].append(domain.key)
        return list(by_category.values())


def _item_for(form: Form, link_id: str) -> tuple[Item | None, bool]:
    """(the question, whether it was found by the last part of a path)."""
    item = form.by_id.get(link_id)
    if item is not None:
        return item, False
    last = link_id.rstrip("/").rsplit("/", 1)[-1]
    item = form.by_id.get(last) if last else None
    return item, item is not None


def _declined(node: dict) -> bool:
    extensions = node.get("extension") or []
    if any(isinstance(e, dict) and e.get("url") == DATA_ABSENT_REASON for e in extensions):
        return True
    for answer in node.get("answer") or []:
        if not isinstance(answer, dict):
            continue
        coding = answer.get("valueCoding") or {}
        if answer.get("valueCode") == "asked-declined" or (
            isinstance(coding, dict) and coding.get("code") == "asked-declined"
        ):
            return True
        extensions = answer.get("extension") or []
        if any(isinstance(e, dict) and e.get("url") == DATA_ABSENT_REASON for e in extensions):
            return True
    return False


def _value(item: Item, answer: dict) -> Any:
    for key, value in answer.items():
        if key in ("item", "extension", "id"):
            continue
        if key == "valueCoding":
            return str(value.get("code", "")) if isinstance(value, dict) else None
        if key == "valueString" and item.type == "open-choice" and item.option(str(value)) is None:
            return "text:" + str(value)
        return value
    return None


def read_response(form: Form, document: Any) -> Read:
    """The answers of ``document`` for ``form``, with a note for each assumption."""
    out = Read({})
    if not isinstance(document, dict) or document.get("resourceType") != "QuestionnaireResponse":
        raise NotScored("not a QuestionnaireResponse")
    seen = 0
    pending = list(document.get("item") or [])
    ignored: list[str] = []
    while pending:
        node = pending.pop(0)
        seen += 1
        if seen > MAX_ITEMS:
            raise NotScored(f"more than {MAX_ITEMS} items")
        if not isinstance(node, dict):
            continue
        link_id = str(node.get("linkId", ""))
        item, by_path = _item_for(form, link_id)
        answers = [a for a in node.get("answer") or [] if isinstance(a, dict)]
        if item is not None and item.asks:
            if by_path:
                out.notes.append(f"{link_id}: read as question {item.link_id}")
            if item.link_id in out.answers:
                raise NotScored(f"question {item.link_id} is answered twice")
            if _declined(node):
                out.answers[item.link_id] = {"declined": True}
            else:
                values = [v for v in (_value(item, a) for a in answers) if v is not None]
                if values:
                    out.answers[item.link_id] = {"v": values}
        elif item is not None and item.calculated:
            values = [v for v in (_value(item, a) for a in answers) if v is not None]
            if values:
                out.sent_calculated[item.link_id] = values[0]
        elif item is None and (answers or not node.get("item")):
            ignored.append(link_id)
        pending.extend(node.get("item") or [])
        for answer in answers:
            pending.extend(answer.get("item") or [])
    if ignored:
        more = f" and {len(ignored) - 20} more" if len(ignored) > 20 else ""
        out.notes.append("not questions of this questionnaire, ignored: " + ", ".join(ignored[:20]) + more)
    return out


def _same(a: Any, b: Any) -> bool:
    if isinstance(a, int | float) and isinstance(b, int | float) and not isinstance(a, bool):
        return float(a) == float(b)
    return str(a) == str(b)


def _unanswered(form: Form, answers: dict[str, dict]) -> list[str]:
    return [
        question.link_id
        for screen in form.screens
        for question in shown_questions(form, screen, answers)
        if question.required and question.link_id not in answers
    ]


def score_document(questionnaire: Questionnaire, document: Any) -> Scored:
    """Score one QuestionnaireResponse with ``questionnaire``'s rules (stores nothing).
    Raises ``NotScored`` with the reason when the answers cannot be scored: an
    answer not among the options, a question answered twice, options that cannot
    go together, a response marked entered-in-error."""
    if isinstance(document, dict) and document.get("status") == "entered-in-error":
        raise NotScored("the response is marked entered-in-error")
    form = form_of(questionnaire)
    read = read_response(form, document)
    try:
        answers = check_all(form, read.answers)
    except Tampered as error:  # read_response keeps only asked questions; kept for safety
        raise NotScored(f"questions this questionnaire does not ask: {error}") from None
    except AnswerError as error:
        raise NotScored(str(error)) from None
    results = evaluate(form, questionnaire.rules, answers)
    notes = list(read.notes)
    dropped = [link_id for link_id in read.answers if link_id not in answers]
    if dropped:
        notes.append(
            "answers to questions this questionnaire would not have asked (enableWhen), not scored: "
            + ", ".join(dropped)
        )
    status = document.get("status")
    if status not in SCORED_STATUSES:
        notes.append(f"status {status!r} is not a QuestionnaireResponse status; scored as it stands")
    elif status in ("in-progress", "stopped"):
        notes.append(f"status is {status}: scored as it stands")
    for link_id, sent in read.sent_calculated.items():
        if link_id not in results.calculated:
            notes.append(f"{link_id}: the file says {sent}; not computed here because a part is unanswered or declined")
        elif not _same(sent, results.calculated[link_id]):
            notes.append(f"{link_id}: the file says {sent}; recomputed from the answers: {results.calculated[link_id]}")
    return Scored(questionnaire, results, notes, _unanswered(form, answers))


def responses_in(document: Any, source: str) -> tuple[list[tuple[str, Any]], list[str]]:
    """The QuestionnaireResponses of one JSON document: itself, or the entries of a
    Bundle (other resources in the bundle are counted, not read). Returns
    ([(where, resource)], notes)."""
    if isinstance(document, dict) and document.get("resourceType") == "Bundle":
        found, others = [], 0
        for number, entry in enumerate(document.get("entry") or [], start=1):
            resource = entry.get("resource") if isinstance(entry, dict) else None
            if isinstance(resource, dict) and resource.get("resourceType") == "QuestionnaireResponse":
                found.append((f"{source} entry {number}", resource))
            else:
                others += 1
        notes = [f"{source}: {others} other resources in the bundle were not read"] if others else []
        if not found:
            raise NotScored("a Bundle with no QuestionnaireResponse")
        return found, notes
    return [(source, document)], []


@dataclass
class Chooser:
    """Which questionnaire scores a response: ``key`` (its active version) when
    given, else the one the response names (``questionnaire``: ``url|version``, or
    the active version of ``url``)."""

    key: str = ""
    notes: list[str] = field(default_factory=list)
    _shipped: dict[tuple[str, str, str], Questionnaire | None] = field(default_factory=dict)

    def _unloaded_shipped(self, *, key: str = "", url: str = "", version: str = "") -> Questionnaire | None:
        """A questionnaire the project ships that this database has not loaded: read
        from the file, not stored (scoring changes nothing)."""
        if (key, url, version) not in self._shipped:
            self._shipped[(key, url, version)] = self._read_shipped(key, url, version)
        return self._shipped[(key, url, version)]

    def _read_shipped(self, key: str, url: str, version: str) -> Questionnaire | None:
        for shipped_key, stem in loading.SHIPPED_KEYS.items():
            path = loading.SHIPPED / f"{stem}.json"
            resource = loading.read_file(path, path.name)
            if (key and key != shipped_key) or (url and resource.get("url") != url):
                continue
            if version and str(resource.get("version")) != version:
                continue
            rules = loading.read_file(loading.rules_path_for(path), "rules")
            note = f"{resource['url']}|{resource['version']} is not loaded here; scored with the file the project ships"
            if note not in self.notes:
                self.notes.append(note)
            return Questionnaire(
                key=shipped_key,
                url=resource["url"],
                version=str(resource["version"]),
                title=str(resource.get("title", "")),
                code=str((resource.get("code") or [{}])[0].get("code", "")),
                resource=resource,
                rules=rules,
                sha256=loading.digest(resource, rules),
            )
        return None

    def __call__(self, document: Any) -> Questionnaire:
        if self.key:
            found = Questionnaire.objects.filter(key=self.key, status=Questionnaire.Status.ACTIVE).first()
            found = found or self._unloaded_shipped(key=self.key)
            if found is None:
                raise NotScored(f"no active questionnaire has the key {self.key!r}")
            return found
        canonical = str(document.get("questionnaire") or "") if isinstance(document, dict) else ""
        if not canonical:
            raise NotScored("the response names no questionnaire; name one with --questionnaire")
        url, _bar, version = canonical.partition("|")
        rows = Questionnaire.objects.filter(url=url)
        found = rows.filter(version=version).first() if version else rows.filter(status="active").first()
        found = found or self._unloaded_shipped(url=url, version=version)
        if found is None:
            raise NotScored(f"no loaded questionnaire is {canonical!r}; name one with --questionnaire")
        return found
