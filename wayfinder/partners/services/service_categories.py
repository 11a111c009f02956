"""The categories a partner files its services under.

A category is stored the way an imported 2-1-1 taxonomy term is: an HSDS ``attribute``
row linking the service to a term, here a term of Wayfinder's own SDoH taxonomy
(``directory.categories``, term id = uuid5 of the slug). ``Service.categories`` (what
search filters on) is then derived from all of the service's terms with the same
``categories_for_term`` the importer uses, so a later 2-1-1 import that recomputes it
keeps the partner's choice: the importer never removes a partner's attribute rows
(they carry no feed digest). Categories that come from the 2-1-1 record's own terms
stay; only a reviewer changes those.
"""

from __future__ import annotations

from django.db.models import Q

from wayfinder.directory import categories as cats

LINK_TYPE = "service_taxonomy"


def _attributes(service):
    from wayfinder.directory.models import Attribute

    return Attribute.objects.filter(link_id=service.pk, link_entity="service").select_related("taxonomy_term")


def chosen_slugs(service) -> list[str]:
    """The SDoH categories the service is filed under directly (what the partner's form shows)."""
    if service.pk is None:
        return []
    own = _attributes(service).filter(taxonomy_term__taxonomy_ref_id=cats.SDOH_TAXONOMY_ID)
    return sorted({a.taxonomy_term.code for a in own if a.taxonomy_term.code in cats.LABELS})


def imported_slugs(service) -> list[str]:
    """Categories that come from the service's other (2-1-1) taxonomy terms."""
    if service.pk is None:
        return []
    others = _attributes(service).filter(~Q(taxonomy_term__taxonomy_ref_id=cats.SDOH_TAXONOMY_ID))
    found: set[str] = set()
    for attribute in others:
        term = attribute.taxonomy_term
        found |= cats.categories_for_term(term.code, term.taxonomy_ref_id)
    return sorted(found)


def set_categories(service, slugs: list[str]) -> tuple[list[str], list[str]]:
    """File ``service`` under exactly these SDoH categories (its other terms untouched) and
    refresh ``Service.categories``. Returns (before, after) of the chosen slugs. Runs in
    the caller's transaction; the caller records the change and re-indexes."""
    from wayfinder.directory.models import Attribute, Source, TaxonomyTerm

    wanted = sorted({s for s in slugs if s in cats.LABELS})
    before = chosen_slugs(service)
    if wanted != before:
        terms = [cats.term_id(s) for s in wanted]
        if TaxonomyTerm.objects.filter(id__in=terms).count() != len(terms):
            cats.ensure_sdoh_taxonomy()  # written by a migration; put back if someone removed it
        own = _attributes(service).filter(taxonomy_term__taxonomy_ref_id=cats.SDOH_TAXONOMY_ID)
        own.exclude(taxonomy_term_id__in=[cats.term_id(s) for s in wanted]).delete()
        for slug in sorted(set(wanted) - set(before)):
            Attribute.objects.create(
                link_id=service.pk,
                link_entity="service",
                link_type=LINK_TYPE,
                taxonomy_term_id=cats.term_id(slug),
                source=Source.PARTNER,
            )
    derived = sorted(cats.with_parents(wanted) | set(imported_slugs(service)))
    if derived != sorted(service.categories or []):
        service.categories = derived
        service.save(update_fields=["categories", "updated_at"])
    return before, wanted
