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
from functools import lru_cache

import tantivy

from . import schema as f
from .schema import EN, ES, PLAIN, analyze
from .synonyms import GENERIC_WORDS, LONGEST_KEY_WORDS, alternatives_for

_WORD = re.compile(r"[a-z0-9]+")
Must, Should = tantivy.Occur.Must, tantivy.Occur.Should
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
            alternatives = alternatives_for(words[i : i + size])
            if alternatives is not None:
                concepts.append(Concept(" ".join(words[i : i + size]), alternatives))
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


@lru_cache(maxsize=8192)
def _tokens(phrase: str) -> tuple[list[str], list[str]]:
    """A phrase's English and Spanish index tokens (the synonym table's phrases recur in every query)."""
    return analyze(EN, phrase), analyze(ES, phrase)


def _phrase_clauses(schema, searcher, phrase: str, weight: float) -> tuple[list[tantivy.Query], list[tantivy.Query]]:
    """(clauses on the service name, clauses on the rest) for one phrase, in both languages."""
    names: list[tantivy.Query] = []
    bodies: list[tantivy.Query] = []
    en, es = _tokens(phrase)
    for field_name, tokens, boost, bucket in (
        (f.NAME_EN, en, 3.0, names),
        (f.BODY_EN, en, 1.0, bodies),
        (f.NAME_ES, es, 2.0, names),
        (f.BODY_ES, es, 0.8, bodies),
    ):
        if _exists(searcher, field_name, tokens):
            query = _terms_query(schema, field_name, tokens, boost * weight)
            if query is not None:
                bucket.append(query)
    return names, bodies


def _fuzzy_clauses(schema, searcher, word: str) -> list[tantivy.Query]:
    """Typo tolerance, only for words the index does not hold (keeps exact words precise)."""
    tokens = analyze(PLAIN, word)
    if len(tokens) != 1 or len(word) < 3 or word.isdigit() or searcher.doc_freq(f.FUZZY, tokens[0]) > 0:
        return []
    distance = 1 if len(word) <= 5 else 2
    fuzzy = tantivy.Query.fuzzy_term_query(schema, f.FUZZY, tokens[0], distance=distance, transposition_cost_one=True)
    return [tantivy.Query.boost_query(fuzzy, FUZZY_WEIGHT)]


def _any(clauses: list[tantivy.Query]) -> tantivy.Query:
    return clauses[0] if len(clauses) == 1 else tantivy.Query.boolean_query([(Should, c) for c in clauses])


def _every(groups: list[tantivy.Query]) -> tantivy.Query:
    return groups[0] if len(groups) == 1 else tantivy.Query.boolean_query([(Must, g) for g in groups])


@dataclass
class BuiltQuery:
    strict: tantivy.Query | None
    relaxed: tantivy.Query | None
    used_fuzzy: bool = False
    matched_words: list[str] = field(default_factory=list)
    # The name tiers (``tiers``); None when no document could be in that tier.
    typed_in_name: tantivy.Query | None = None
    named_and_typed: tantivy.Query | None = None
    named: tantivy.Query | None = None

    def tiers(self) -> list[tuple[int, tantivy.Query]]:
        """(tier, query) for the name tiers this query has, highest first.

        3: every concept is in the service's name as typed ("Food Pantry" for "food pantry");
        2: every concept is in the name, some through a synonym, and every typed word is
        somewhere in the record ("Emergency Shelter ... homelessness" for "homeless shelter");
        1: every concept is in the name through a synonym (a domestic violence shelter for
        "homeless shelter"). A service in a tier is a better answer than one below it,
        however BM25 weighs their lengths; within a tier only distance orders them, which a
        relevance score that also counts organization names and description lengths would
        not do (issue 14: 4.5, 4.5, 7.3, 5.7 miles). Words matched by typo tolerance say
        nothing about where they are and do not decide the tier.
        """
        candidates = ((3, self.typed_in_name), (2, self.named_and_typed), (1, self.named))
        return [(tier, q) for tier, q in candidates if q is not None]


def build_text_query(schema: tantivy.Schema, searcher: tantivy.Searcher, parsed: ParsedQuery) -> BuiltQuery:
    groups: list[tantivy.Query] = []
    typed_names: list[list[tantivy.Query]] = []
    typed_anywhere: list[list[tantivy.Query]] = []
    all_names: list[list[tantivy.Query]] = []
    used_fuzzy = False
    matched: list[str] = []
    for concept in parsed.concepts:
        names, bodies = _phrase_clauses(schema, searcher, concept.typed, 1.0)
        typed, typed_all = list(names), names + bodies
        for alternative in concept.alternatives:
            more_names, more_bodies = _phrase_clauses(schema, searcher, alternative, SYNONYM_WEIGHT)
            names += more_names
            bodies += more_bodies
        clauses = names + bodies
        if not clauses and " " not in concept.typed:
            clauses = _fuzzy_clauses(schema, searcher, concept.typed)
            used_fuzzy = used_fuzzy or bool(clauses)
            if clauses:
                matched.append(concept.typed)
                groups.append(_any(clauses))
            continue
        if clauses:
            matched.append(concept.typed)
            groups.append(_any(clauses))
            typed_names.append(typed)
            typed_anywhere.append(typed_all)
            all_names.append(names)
    if not groups:
        return BuiltQuery(None, None)
    unmatched = len(parsed.concepts) - len(groups)
    typed_in_name = named_and_typed = named = None
    if all_names and all(all_names):
        named = _every([_any(n) for n in all_names])
        if all(typed_anywhere):
            named_and_typed = _every([named, *(_any(t) for t in typed_anywhere)])
        if all(typed_names):
            typed_in_name = _every([_any(n) for n in typed_names])
    if len(groups) == 1:
        strict, relaxed = (None, groups[0]) if unmatched else (groups[0], None)
    else:
        strict = None if unmatched else _every(groups)
        relaxed = tantivy.Query.boolean_query([(Should, g) for g in groups])
    return BuiltQuery(strict, relaxed, used_fuzzy, matched, typed_in_name, named_and_typed, named)
