"""From what a person typed to a Tantivy query.

Steps: normalise (lowercase, strip accents and punctuation), group the words into
concepts (a synonym-table phrase such as "job training" is one concept), drop
generic words ("help", "near me") when something else is left, then for every
concept match the typed word strongly and its synonyms weakly, in English and
Spanish stemmed fields. A word the index has never seen is matched by edit distance
instead (typos: "fod" finds "food"). All concepts must match; when that finds
nothing the engine retries with any concept matching (``relaxed``).
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

import tantivy

from . import schema as f
from .schema import EN, ES, PLAIN, analyze
from .synonyms import GENERIC_WORDS, LONGEST_KEY_WORDS, SYNONYMS

_WORD = re.compile(r"[a-z0-9]+")
SYNONYM_WEIGHT = 0.5
FUZZY_WEIGHT = 0.6


def normalize(text: str) -> list[str]:
    folded = unicodedata.normalize("NFKD", text.lower())
    folded = "".join(ch for ch in folded if not unicodedata.combining(ch))
    return _WORD.findall(folded)[:12]


@dataclass
class Concept:
    typed: str
    alternatives: tuple[str, ...] = ()


@dataclass
class ParsedQuery:
    concepts: list[Concept] = field(default_factory=list)

    @property
    def words(self) -> list[str]:
        return [c.typed for c in self.concepts]


def parse(text: str) -> ParsedQuery:
    words = normalize(text)
    concepts: list[Concept] = []
    i = 0
    while i < len(words):
        for size in range(min(LONGEST_KEY_WORDS, len(words) - i), 0, -1):
            phrase = " ".join(words[i : i + size])
            if phrase in SYNONYMS:
                concepts.append(Concept(phrase, SYNONYMS[phrase]))
                i += size
                break
        else:
            concepts.append(Concept(words[i]))
            i += 1
    meaningful = [c for c in concepts if c.typed not in GENERIC_WORDS]
    return ParsedQuery(meaningful or concepts)


def _terms_query(schema: tantivy.Schema, field_name: str, tokens: list[str], boost: float) -> tantivy.Query | None:
    """All tokens of a phrase in one field (a plain AND: phrase positions are not needed here)."""
    if not tokens:
        return None
    if len(tokens) == 1:
        query = tantivy.Query.term_query(schema, field_name, tokens[0])
    else:
        query = tantivy.Query.boolean_query(
            [(tantivy.Occur.Must, tantivy.Query.term_query(schema, field_name, token)) for token in tokens]
        )
    return tantivy.Query.boost_query(query, boost) if boost != 1.0 else query


def _exists(searcher: tantivy.Searcher, field_name: str, tokens: list[str]) -> bool:
    return bool(tokens) and all(searcher.doc_freq(field_name, token) > 0 for token in tokens)


def _phrase_clauses(schema, searcher, phrase: str, weight: float) -> list[tantivy.Query]:
    clauses: list[tantivy.Query] = []
    en, es = analyze(EN, phrase), analyze(ES, phrase)
    for field_name, tokens, boost in (
        (f.NAME_EN, en, 3.0),
        (f.BODY_EN, en, 1.0),
        (f.NAME_ES, es, 2.0),
        (f.BODY_ES, es, 0.8),
    ):
        if _exists(searcher, field_name, tokens):
            query = _terms_query(schema, field_name, tokens, boost * weight)
            if query is not None:
                clauses.append(query)
    return clauses


def _fuzzy_clauses(schema, searcher, word: str) -> list[tantivy.Query]:
    """Typo tolerance, only for words the index does not hold (keeps exact words precise)."""
    tokens = analyze(PLAIN, word)
    if len(tokens) != 1 or len(word) < 3 or word.isdigit() or searcher.doc_freq(f.FUZZY, tokens[0]) > 0:
        return []
    distance = 1 if len(word) <= 5 else 2
    fuzzy = tantivy.Query.fuzzy_term_query(schema, f.FUZZY, tokens[0], distance=distance, transposition_cost_one=True)
    return [tantivy.Query.boost_query(fuzzy, FUZZY_WEIGHT)]


@dataclass
class BuiltQuery:
    strict: tantivy.Query | None
    relaxed: tantivy.Query | None
    used_fuzzy: bool = False
    matched_words: list[str] = field(default_factory=list)


def build_text_query(schema: tantivy.Schema, searcher: tantivy.Searcher, parsed: ParsedQuery) -> BuiltQuery:
    groups: list[tantivy.Query] = []
    used_fuzzy = False
    matched: list[str] = []
    for concept in parsed.concepts:
        clauses = _phrase_clauses(schema, searcher, concept.typed, 1.0)
        for alternative in concept.alternatives:
            clauses += _phrase_clauses(schema, searcher, alternative, SYNONYM_WEIGHT)
        if not clauses and " " not in concept.typed:
            clauses = _fuzzy_clauses(schema, searcher, concept.typed)
            used_fuzzy = used_fuzzy or bool(clauses)
        if clauses:
            matched.append(concept.typed)
            groups.append(
                clauses[0]
                if len(clauses) == 1
                else tantivy.Query.boolean_query([(tantivy.Occur.Should, clause) for clause in clauses])
            )
    if not groups:
        return BuiltQuery(None, None)
    unmatched = len(parsed.concepts) - len(groups)
    if len(groups) == 1:
        return BuiltQuery(None if unmatched else groups[0], groups[0] if unmatched else None, used_fuzzy, matched)
    strict = None if unmatched else tantivy.Query.boolean_query([(tantivy.Occur.Must, g) for g in groups])
    relaxed = tantivy.Query.boolean_query([(tantivy.Occur.Should, g) for g in groups])
    return BuiltQuery(strict, relaxed, used_fuzzy, matched)
