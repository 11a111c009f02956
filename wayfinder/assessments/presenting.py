"""Scored results in words: each domain's label, status and codes, from the rules of
the questionnaire version that was answered."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.utils.translation import gettext as _

from .domains import category_label
from .models import Questionnaire
from .scoring import INCOMPLETE, NEGATIVE, NOT_ASKED, POSITIVE, Results


@dataclass
class DomainView:
    key: str
    label: str
    category: str
    category_label: str
    status: str
    status_label: str
    sdohcc: list[str] = field(default_factory=list)
    evidence: list[dict] = field(default_factory=list)
    declined: list[str] = field(default_factory=list)


@dataclass
class ResultsView:
    positive: list[DomainView]
    other: list[DomainView]
    flags: list[str]
    calculated: dict


def _label(labels: dict, language: str, fallback: str) -> str:
    return (labels or {}).get(language) or (labels or {}).get("en") or fallback


def status_label(status: str) -> str:
    return {
        POSITIVE: _("Need found"),
        NEGATIVE: _("No need found"),
        INCOMPLETE: _("Not scored: some answers were declined or left blank"),
        NOT_ASKED: _("Not asked"),
    }.get(status, status)


def results_view(questionnaire: Questionnaire, results: Results | dict, language: str, *, staff: bool) -> ResultsView:
    """``results``: freshly scored, or the JSON stored with an assessment."""
    data = results.to_json() if isinstance(results, Results) else results
    rules = questionnaire.rules or {}
    domain_rules = {d["key"]: d for d in rules.get("domains", [])}
    flag_rules = {f["key"]: f for f in rules.get("flags", [])}
    positive, other = [], []
    for domain in data.get("domains", []):
        labels = domain_rules.get(domain["key"], {}).get("label", {})
        view = DomainView(
            key=domain["key"],
            label=_label(labels, language, domain["key"]),
            category=domain["category"],
            category_label=category_label(domain["category"], language),
            status=domain["status"],
            status_label=status_label(domain["status"]),
            sdohcc=domain.get("sdohcc", []),
            evidence=domain.get("evidence", []),
            declined=domain.get("declined", []),
        )
        (positive if domain["status"] == POSITIVE else other).append(view)
    flags = [_label(flag_rules.get(f["key"], {}).get("label", {}), language, f["key"]) for f in data.get("flags", [])]
    return ResultsView(positive, [o for o in other if o.status != NOT_ASKED], flags, data.get("calculated", {}))
