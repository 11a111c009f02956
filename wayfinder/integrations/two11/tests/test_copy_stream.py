"""The import's open COPY on PostgreSQL (copystream.py): its rows are seen by the import's next
query, in order, and an error the server finds in them is raised and rolls the import back."""

from __future__ import annotations

import uuid

import psycopg
import pytest
from django.db import connection, transaction
from django.utils import timezone

from wayfinder.directory.models import Taxonomy, TaxonomyTerm
from wayfinder.integrations.two11 import copystream
from wayfinder.integrations.two11.sqlwrite import write

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif("connection.vendor != 'postgresql'", reason="COPY is PostgreSQL's"),
]

COMMON = ("source", "feed_hash", "created_at", "updated_at", "partner_owned_fields")
TAXONOMY = ("id", "name", "description", "uri", "version", *COMMON)
TERM = ("id", "taxonomy_ref_id", "code", "name", "description", "taxonomy_label", "language", "term_uri", *COMMON)


def common() -> list:
    now = timezone.now()
    return ["211", "digest", now, now, []]


def taxonomy_row(hexid: str, name: str) -> list:
    return [hexid, name, "", "", "", *common()]


def term_row(taxonomy: str, code: str) -> list:
    return [uuid.uuid4().hex, taxonomy, code, code, "", "", "", "", *common()]


def test_rows_streamed_are_seen_by_the_next_query_and_kept_in_order():
    taxonomy = uuid.uuid4().hex
    with transaction.atomic(), copystream.streaming_copy() as stream:
        assert stream is not None
        write(Taxonomy, TAXONOMY, [taxonomy_row(taxonomy, "first")])
        assert stream.opened is not None  # still streaming: nothing has asked the database yet
        write(TaxonomyTerm, TERM, [term_row(taxonomy, f"T{k}") for k in range(5)])  # another table: a new COPY
        write(TaxonomyTerm, TERM, [term_row(taxonomy, f"T{k}") for k in range(5, 8)])  # the same COPY goes on
        assert TaxonomyTerm.objects.filter(taxonomy_ref_id=taxonomy).count() == 8  # the query ended the COPY first
        assert stream.opened is None
        write(TaxonomyTerm, TERM, [term_row(taxonomy, "T8")])
    assert TaxonomyTerm.objects.filter(taxonomy_ref_id=taxonomy).count() == 9
    assert Taxonomy.objects.get(id=taxonomy).name == "first"


def test_an_error_in_the_streamed_rows_is_raised_and_nothing_is_kept():
    taxonomy = uuid.uuid4().hex
    before = Taxonomy.objects.count()
    with pytest.raises(psycopg.errors.UniqueViolation), transaction.atomic(), copystream.streaming_copy():
        write(Taxonomy, TAXONOMY, [taxonomy_row(taxonomy, "first")])
        write(Taxonomy, TAXONOMY, [taxonomy_row(uuid.uuid4().hex, "second"), taxonomy_row(taxonomy, "again")])
        Taxonomy.objects.count()  # the COPY ends here, and the server's error with it
    assert Taxonomy.objects.count() == before
    assert copystream.active() is None
    with connection.cursor() as cursor:  # the connection is usable again
        cursor.execute("SELECT 1")


def test_an_error_elsewhere_abandons_the_open_copy():
    taxonomy = uuid.uuid4().hex
    with pytest.raises(RuntimeError, match="reader failed"), transaction.atomic(), copystream.streaming_copy():
        write(Taxonomy, TAXONOMY, [taxonomy_row(taxonomy, "first")])
        raise RuntimeError("reader failed")
    assert not Taxonomy.objects.filter(id=taxonomy).exists()
