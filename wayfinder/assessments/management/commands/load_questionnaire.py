"""``manage.py load_questionnaire PATH [--rules RULES] [--key KEY]``: add a FHIR R4
Questionnaire (a new version of it) so residents and staff can take it.

The rules that score it are read from ``--rules``, else from ``<name>.rules.json``
beside the file, else from the rules Wayfinder ships for well-known questionnaires
(the SDOH Clinical Care Hunger Vital Sign and PRAPARE). Without rules the answers
are kept but no need is derived. A refused file changes nothing; every reason is
printed and the command exits with status 1.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from wayfinder.assessments.loading import QuestionnaireRefused, load_path


class Command(BaseCommand):
    help = "Load a FHIR R4 Questionnaire JSON file (with its scoring rules) as a new questionnaire version."

    def add_arguments(self, parser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--rules", type=Path, default=None, help="the scoring rules (wayfinder-sdoh-rules/1)")
        parser.add_argument("--key", default="", help="the short name in URLs (default: from the rules or the name)")

    def handle(self, *args, path: Path, rules: Path | None, key: str, **options) -> None:
        try:
            loaded = load_path(path, rules_path=rules, key=key)
        except QuestionnaireRefused as refused:
            lines = "\n".join(f"  - {reason}" for reason in refused.reasons)
            raise CommandError(f"{path.name} was not loaded; nothing changed:\n{lines}") from None
        q = loaded.questionnaire
        if not loaded.created:
            self.stdout.write(f"{q.title} {q.version} is already loaded with this content; nothing changed.")
            return
        scored = f"{len(q.rules.get('domains', []))} scored domains" if q.rules else "no scoring rules"
        retired = f"; {loaded.retired} earlier version retired" if loaded.retired else ""
        self.stdout.write(self.style.SUCCESS(f"Loaded {q.title} {q.version} as '{q.key}' ({scored}){retired}."))
