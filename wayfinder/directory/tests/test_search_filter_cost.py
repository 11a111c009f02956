# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""The cheaper forms of two searches find and order exactly what the costlier ones did
(docs/performance.md, "Suggested resources and AHC submits"): a keyword filter as
term queries instead of a term set, and a nearest search that counts and fetches a box
in one search."""

from __future__ import annotations

import pytest
import tantivy

from wayfinder.directory.search import SearchParams, engine, search, store
from wayfinder.directory.search import schema as f
from wayfinder.directory.search.query import build_text_query, parse
from wayfinder.lib import geo

from .search_fixtures import indexed, search_index_dir  # noqa: F401

FILTERS = [
    (f.CATEGORY, ["food"]),
    (f.CATEGORY, ["food-pantries", "meals"]),
    (f.CATEGORY, ["meals", "no-such-category", "meals"]),
    (f.CATEGORY, ["no-such-category"]),
    (f.LANGUAGE, ["es"]),
    (f.LANGUAGE, ["es", "ar"]),
]


def ranked(searcher, query) -> list[tuple[float, int, int]]:
    hits = searcher.search(query, limit=500, count=False).hits
    return [(round(score, 5), address.segment_ord, address.doc) for score, address in hits]


@pytest.mark.parametrize(("field_name", "values"), FILTERS)
def test_any_term_matches_and_scores_as_the_term_set(indexed, field_name, values):
    searcher, schema = store.searcher(), store.schema()
    term_set = tantivy.Query.term_set_query(schema, field_name, values)
    cheaper = engine.any_term(schema, field_name, values)
    assert ranked(searcher, cheaper) == ranked(searcher, term_set)
    # Beside a keyword query the filter's constant adds to every hit alike: the same order and scores.
    text = build_text_query(schema, searcher, parse("food help")).strict
    both = [(tantivy.Occur.Must, text)]
    assert ranked(searcher, tantivy.Query.boolean_query([*both, (tantivy.Occur.Must, cheaper)])) == ranked(
        searcher, tantivy.Query.boolean_query([*both, (tantivy.Occur.Must, term_set)])
    )


def test_a_filter_that_matches_nothing_finds_nothing(indexed):
    assert search(SearchParams(categories=["no-such-category"], point=geo.zip_centroid("40507"))).hits == []


NEAREST = [
    SearchParams(categories=["food"], point=geo.zip_centroid("40507"), size=50),
    SearchParams(categories=["food-pantries", "meals"], point=geo.zip_centroid("42001")),
    SearchParams(point=geo.zip_centroid("41501"), size=100),
    SearchParams(categories=["goods"], point=geo.zip_centroid("40202"), radius_km=30),
]


def page_of(p: SearchParams) -> list[tuple]:
    page = search(p)
    return [(hit.service_id, hit.distance_km) for hit in page.hits] + [("next", page.has_next, page.radius_km)]


@pytest.mark.parametrize("params", NEAREST, ids=range(len(NEAREST)))
def test_a_box_larger_than_the_first_fetch_is_fetched_in_full(indexed, monkeypatch, params):
    """The first search of a box fetches up to ``FIRST_NEAREST_FETCH`` hits; a box holding
    more is fetched again whole, so the page is the same whatever that size is."""
    usual = page_of(params)
    assert len(usual) > 1
    monkeypatch.setattr(engine, "FIRST_NEAREST_FETCH", 1)
    assert page_of(params) == usual


def test_a_nearest_search_counts_and_fetches_each_box_in_one_search(indexed, monkeypatch):
    calls = []
    live = store.searcher

    class Counting:
        def __init__(self, searcher):
            self._searcher = searcher

        def search(self, query, **kwargs):
            calls.append(kwargs)
            return self._searcher.search(query, **kwargs)

        def __getattr__(self, name):
            return getattr(self._searcher, name)

    monkeypatch.setattr(engine.store, "searcher", lambda: Counting(live()))
    page = search(SearchParams(categories=["food"], point=geo.zip_centroid("40507"), size=3))
    assert page.hits
    radii_tried = engine.NEAREST_RADII_KM.index(page.radius_km) + 1
    assert len(calls) == radii_tried  # one search per box, not a count and then a fetch
