"""The Tantivy schema and text analyzers of the directory index.

One document per place a service is offered (service-at-location), or one per
service when it has no location, so that distance is always the distance to a
real address. Text goes into English and Spanish stemmed fields (stemming makes
"pantries" find "pantry", "alimentos" find "alimento") and into a plain
lowercased field used only for typo-tolerant (fuzzy) matching, because edit
distance on stems is unreliable ("pantyr" is one edit from "pantry" but two from
the stem "pantri").
"""

from __future__ import annotations

import tantivy

# Bump when the schema or analyzers change: readers refuse an index of another version
# and ``rebuild_search_index`` writes a fresh generation.
SCHEMA_VERSION = 8

EN = "wf_en"
ES = "wf_es"
PLAIN = "wf_plain"

# Field names (short: they are repeated in every query).
KEY = "key"  # service-at-location id, or service id: unique per document
SERVICE = "sid"
ORGANIZATION = "oid"
NAME_EN = "name_en"
NAME_ES = "name_es"
BODY_EN = "body_en"
BODY_ES = "body_es"
FUZZY = "fz"
CATEGORY = "cat"
SITUATION = "sit"
LANGUAGE = "lang"
HOURS = "hours"
FREE = "free"
PARTNER = "partner"
AGE_MIN = "age_min"
AGE_MAX = "age_max"
LAT = "lat"
LON = "lon"
SORT_NAME = "sortname"
DISPLAY = "disp"
# What a person sees of a result (name, organization, address) as one 63-bit number: the
# 2-1-1 feed lists some services two or three times, differing only by phone, and a
# results page shows each listing once (``ranking.unique``).
LISTING = "listing"
# The day (since 1970) the service's information was last verified, or added when never:
# results older than a year rank lower (ranking.demote_stale, docs/search.md "Freshness").
FRESH = "fresh"

# Multi-valued keyword fields are indexed as one space-separated string (one call per
# field instead of one per value: a third of the build time at a million services).
KEYWORD_FIELDS = (CATEGORY, SITUATION, LANGUAGE, HOURS)


def build_schema() -> tantivy.Schema:
    builder = tantivy.SchemaBuilder()
    builder.add_text_field(KEY, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(SERVICE, stored=True, tokenizer_name="raw", index_option="basic")
    builder.add_text_field(ORGANIZATION, stored=True, tokenizer_name="raw", index_option="basic")
    # Term frequencies for BM25, no positions: no query here is a phrase query. The fuzzy
    # field scores a constant (Tantivy's automaton queries), so it keeps document ids alone.
    # Together 13% less indexing CPU at a million services, the same results.
    builder.add_text_field(NAME_EN, tokenizer_name=EN, index_option="freq")
    builder.add_text_field(NAME_ES, tokenizer_name=ES, index_option="freq")
    builder.add_text_field(BODY_EN, tokenizer_name=EN, index_option="freq")
    builder.add_text_field(BODY_ES, tokenizer_name=ES, index_option="freq")
    builder.add_text_field(FUZZY, tokenizer_name=PLAIN, index_option="basic")
    builder.add_text_field(CATEGORY, tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field(SITUATION, tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field(LANGUAGE, tokenizer_name="whitespace", index_option="basic")
    builder.add_text_field(HOURS, tokenizer_name="whitespace", index_option="basic")
    builder.add_unsigned_field(FREE, indexed=True)
    builder.add_unsigned_field(PARTNER, indexed=True, fast=True)
    builder.add_integer_field(AGE_MIN, indexed=True, fast=True)
    builder.add_integer_field(AGE_MAX, indexed=True, fast=True)
    builder.add_float_field(LAT, indexed=True, fast=True)
    builder.add_float_field(LON, indexed=True, fast=True)
    builder.add_text_field(SORT_NAME, fast=True, tokenizer_name="raw", index_option="basic")
    builder.add_bytes_field(DISPLAY, stored=True)
    builder.add_unsigned_field(LISTING, fast=True)
    builder.add_unsigned_field(FRESH, fast=True)
    return builder.build()


def _analyzer(*filters: tantivy.Filter) -> tantivy.TextAnalyzer:
    builder = tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
    for item in (tantivy.Filter.remove_long(40), tantivy.Filter.lowercase(), tantivy.Filter.ascii_fold(), *filters):
        builder = builder.filter(item)
    return builder.build()


ANALYZERS: dict[str, tantivy.TextAnalyzer] = {
    EN: _analyzer(tantivy.Filter.stemmer("english")),
    ES: _analyzer(tantivy.Filter.stemmer("spanish")),
    PLAIN: _analyzer(),
}


def register_analyzers(index: tantivy.Index) -> None:
    """Tantivy keeps analyzers per open Index object, not in the files: register on every open."""
    for name, analyzer in ANALYZERS.items():
        index.register_tokenizer(name, analyzer)


def analyze(analyzer: str, text: str) -> list[str]:
    """The tokens the index holds for ``text`` (the same analyzer runs at query time)."""
    return list(ANALYZERS[analyzer].analyze(text))
