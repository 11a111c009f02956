"""HSDS taxonomies, the attribute link table, and change metadata."""

from __future__ import annotations

from django.db import models

from .base import Record, fk, text


class Taxonomy(Record):
    name = models.TextField()
    description = models.TextField()
    uri = text()
    version = text()

    class Meta:
        verbose_name_plural = "taxonomies"


class TaxonomyTerm(Record):
    code = models.CharField(max_length=100, blank=True, default="")
    name = models.TextField()
    description = models.TextField()
    parent = fk("self", "children")
    taxonomy_label = text()
    language = models.CharField(max_length=16, blank=True, default="")
    taxonomy_ref = fk("Taxonomy", "terms", db_column="taxonomy_id")
    term_uri = text()

    # HSDS has both a legacy free-text "taxonomy" and the "taxonomy_id" link.
    HSDS_RENAMES = {"taxonomy": "taxonomy_label", "taxonomy_id": "taxonomy_ref_id"}

    class Meta:
        indexes = [models.Index(fields=["code"]), models.Index(fields=["taxonomy_ref", "code"])]


class Attribute(Record):
    """Applies a taxonomy term to any object: ``link_entity`` names the table, ``link_id`` the row."""

    link_id = models.UUIDField()
    taxonomy_term = fk("TaxonomyTerm", "attributes", required=True)
    link_type = text()
    link_entity = models.CharField(max_length=40)
    value = text()
    label = text()

    class Meta:
        indexes = [models.Index(fields=["link_id"]), models.Index(fields=["link_entity", "taxonomy_term"])]


class Metadata(Record):
    resource_id = models.UUIDField()
    resource_type = models.CharField(max_length=40)
    last_action_date = models.DateField()
    last_action_type = models.TextField()
    field_name = models.TextField()
    previous_value = models.TextField(blank=True)
    replacement_value = models.TextField(blank=True)
    updated_by = models.TextField()

    class Meta:
        verbose_name_plural = "metadata"
        indexes = [models.Index(fields=["resource_id"])]


class MetaTableDescription(Record):
    name = text()
    language = text()
    character_set = text()
