"""``manage.py score_response PATH [--questionnaire KEY] [--format text|json]``:
score FHIR R4 QuestionnaireResponses with a questionnaire's rules and print the
result. Stores nothing: for checking answer sets from another system against the
rules (held-out AHC HRSN answer sets against the CMS definitions, the Hunger
Vital Sign, PRAPARE, a state's own questionnaire).

PATH is a QuestionnaireResponse file, a Bundle of them, or a folder of such
``.json`` files. For each response: every domain's status (positive, negative,
incomplete when an answer was declined or left blank, not asked) with its SDOH
Clinical Care codes, the calculated totals (the AHC safety score 95614-4), staff
follow-up flags, the needs a submit would open or confirm, required questions left
unanswered, and what was assumed reading the file.

The questionnaire is ``--questionnaire`` (its active version), else the one each
response names (``questionnaire``: ``url|version``, or the active version of the
URL). A response that cannot be read or scored is reported with the reason; the
others are still scored, and the command then exits with status 1.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wayfinder.assessments.form import form_of
from wayfinder.assessments.inbound import MAX_RESPONSE_BYTES, Chooser, NotScored, Scored, responses_in, score_document
from wayfinder.assessments.loading import QuestionnaireRefused, read_file

MAX_FILES = 10_000
MAX_RESPONSES = 50_000


def _files(path: Path) -> list[Path]:
    if not path.is_dir():
        if not path.is_file():
            raise CommandError(f"{path.name} is not a file or a folder; nothing was scored")
        return [path]
    files = sorted(p for p in path.iterdir() if p.suffix.lower() == ".json" and p.is_file())
    if not files:
        raise CommandError(f"{path.name} holds no .json files; nothing was scored")
    if len(files) > MAX_FILES:
        raise CommandError(f"{path.name} holds more than {MAX_FILES:,} .json files; score it in parts")
    return files


def as_json(source: str, scored: Scored) -> dict:
    q, results = scored.questionnaire, scored.results
    return {
        "source": source,
        "questionnaire": f"{q.url}|{q.version}",
        "domains": [
            {"key": d.key, "category": d.category, "status": d.status, "sdohcc": d.sdohcc, "declined": d.declined}
            for d in results.domains
        ],
        "positive": [d.key for d in results.positive],
        "calculated": results.calculated,
        "flags": [flag["key"] for flag in results.flags],
        "needs": scored.needs(),
        "unanswered_required": scored.unanswered,
        "assumed": scored.notes,
    }


def as_text(source: str, scored: Scored) -> list[str]:
    q, results = scored.questionnaire, scored.results
    form = form_of(q)
    lines = [f"{source}: {q.title or q.url} {q.version}"]
    for status, heading in (
        ("positive", "Positive"),
        ("incomplete", "Incomplete (declined or unanswered: neither a need nor a no)"),
        ("negative", "Negative"),
    ):
        domains = [d for d in results.domains if d.status == status]
        if domains:
            shown = [d.key + (f" [{', '.join(d.sdohcc)}]" if d.sdohcc else "") for d in domains]
            lines.append(f"  {heading}: " + "; ".join(shown))
    for link_id, value in results.calculated.items():
        item = form.by_id.get(link_id)
        lines.append(f"  {item.label('en') if item else link_id} ({link_id}): {value}")
    rules = {f["key"]: f for f in q.rules.get("flags", [])}
    for flag in results.flags:
        label = rules.get(flag["key"], {}).get("label", {})
        lines.append(f"  Staff follow-up: {flag['key']}" + (f": {label.get('en')}" if label.get("en") else ""))
    needs = scored.needs()
    lines.append(
        "  Needs it would open or confirm: "
        + ("; ".join(f"{n['label']} ({', '.join(n['sdohcc'])})" for n in needs) if needs else "none")
    )
    if scored.unanswered:
        lines.append("  Required questions unanswered: " + ", ".join(scored.unanswered))
    lines.extend(f"  Assumed: {note}" for note in scored.notes)
    return lines


class Command(BaseCommand):
    help = (
        "Score FHIR QuestionnaireResponses (a file, a Bundle or a folder) with a questionnaire's rules; stores nothing."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--questionnaire", default="", help="the questionnaire's key, e.g. ahc-hrsn")
        parser.add_argument("--format", choices=("text", "json"), default="text")

    def handle(self, *args, path: Path, questionnaire: str, format: str, **options) -> None:
        if not path.exists():
            raise CommandError(f"{path} does not exist; nothing was scored")
        choose = Chooser(questionnaire)
        scored: list[tuple[str, Scored]] = []
        refused: list[tuple[str, str]] = []
        notes: list[str] = []
        for file in _files(path):
            try:
                document = read_file(file, file.name, limit=MAX_RESPONSE_BYTES)
                found, bundle_notes = responses_in(document, file.name)
            except (QuestionnaireRefused, NotScored) as error:
                refused.append((file.name, str(error).removeprefix(f"{file.name}: ")))
                continue
            notes.extend(bundle_notes)
            for source, resource in found:
                if len(scored) + len(refused) >= MAX_RESPONSES:
                    raise CommandError(f"more than {MAX_RESPONSES:,} responses; score them in parts")
                try:
                    scored.append((source, score_document(choose(resource), resource)))
                except NotScored as error:
                    refused.append((source, str(error)))
        notes.extend(choose.notes)
        self._write(format, scored, refused, notes)
        if refused:
            lines = [f"{source} was not scored: {reason}" for source, reason in refused[:50]]
            if len(refused) > 50:
                lines.append(f"... and {len(refused) - 50} more")
            raise CommandError("\n".join(lines))

    def _write(self, format: str, scored: list, refused: list, notes: list[str]) -> None:
        if format == "json":
            output = {
                "responses": [as_json(source, one) for source, one in scored],
                "not_scored": [{"source": source, "reason": reason} for source, reason in refused],
                "notes": notes,
            }
            self.stdout.write(json.dumps(output, indent=2, ensure_ascii=False))
            return
        for source, one in scored:
            self.stdout.write("\n".join(as_text(source, one)))
        for note in notes:
            self.stdout.write(f"Note: {note}")
        total = len(scored) + len(refused)
        self.stdout.write(f"Scored {len(scored)} of {total} responses; nothing was stored.")
