"""SDoH categories, situations and the 2-1-1/AIRS mapping (docs/product.md 1.2)."""

from __future__ import annotations

import pytest

from wayfinder.directory import categories as cats
from wayfinder.directory.models import Taxonomy, TaxonomyTerm


def test_every_category_has_subcategories_and_spanish_names():
    assert len(cats.CATEGORIES) >= 16
    for category in cats.CATEGORIES:
        assert 3 <= len(category.subcategories) <= 8, category.slug
        assert category.es and (category.es != category.en or category.slug == "legal")
        for slug, en, es in category.subcategories:
            assert slug and en and es


def test_situations_map_to_known_categories_with_spanish_labels():
    for key in ("lost-job", "food-today", "expecting-baby", "shelter-tonight", "cant-pay-bills"):
        assert key in cats.SITUATIONS
    for situation in cats.SITUATIONS.values():
        assert situation["en"] and situation["es"]
        assert all(slug in cats.LABELS for slug in situation["categories"])
    assert {"food", "food-pantries", "meals"} <= cats.situation_categories("food-today")
    assert cats.situation_categories("nope") == set()


@pytest.mark.parametrize(
    ("code", "expected"),
    [
        ("BD-1800.2000", {"food", "food-pantries"}),
        ("BD-1800.2000-620", {"food", "food-pantries"}),
        ("BH-1800", {"housing", "emergency-shelter"}),
        ("BV-8900", {"utilities", "utility-bill-help"}),
        ("LN", {"health-care", "clinics"}),
        ("HL-8120.2000", {"education", "ged"}),
        ("PH-1250.1400", {"child-care", "daycare"}),
        ("JR-8200", set()),
    ],
)
def test_airs_codes_map_to_categories(code, expected):
    assert cats.is_valid_airs_code(code)
    assert cats.categories_for_airs_code(code) == expected


def test_invalid_airs_codes_are_recognised():
    assert not cats.is_valid_airs_code("ZZ-9999")
    assert not cats.is_valid_airs_code("food")


@pytest.mark.django_db
def test_the_migration_loads_the_taxonomy_and_the_loader_is_idempotent():
    taxonomy = Taxonomy.objects.get(id=cats.SDOH_TAXONOMY_ID)
    terms = TaxonomyTerm.objects.filter(taxonomy_ref=taxonomy)
    total = len(cats.CATEGORIES) + sum(len(c.subcategories) for c in cats.CATEGORIES)
    assert terms.count() == total
    pantry = terms.get(code="food-pantries")
    assert pantry.parent.code == "food" and pantry.description == "Despensas de alimentos"
    # The migration's frozen rows are today's categories; a change to the categories
    # gets a data migration of its own (ensure_sdoh_taxonomy also writes it at import).
    assert cats.ensure_sdoh_taxonomy() == 0, "categories changed: add a data migration with the new rows"
    assert cats.ensure_sdoh_taxonomy() == 0
    assert cats.categories_for_term("food-pantries", cats.SDOH_TAXONOMY_ID) == {"food", "food-pantries"}


def test_categories_for_service_reads_the_imported_slugs():
    class Stub:
        categories = ["food", "food-pantries"]

    assert cats.categories_for_service(Stub()) == {"food", "food-pantries"}
