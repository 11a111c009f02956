# ruff: noqa: F811 - pytest fixtures are imported from search_fixtures and requested by name
"""Keeping the index in step with the database: rebuild, incremental updates, readers."""

from __future__ import annotations

import base64
import hashlib
import json
import subprocess
import sys

from django.core.management import call_command

from wayfinder.directory import search_hooks
from wayfinder.directory.models import Service, ServiceStatus
from wayfinder.directory.search import SearchParams, search, store
from wayfinder.directory.search.documents import iter_documents
from wayfinder.directory.search.engine import document_json

from .directory_fixture import sid
from .search_fixtures import directory, own_index, search_index_dir  # noqa: F401


def names(text: str, **kw) -> list[str]:
    return [h.display["name"] for h in search(SearchParams(text=text, **kw)).hits]


def test_a_partner_edit_is_searchable_after_the_update_task(directory, own_index, django_capture_on_commit_callbacks):
    service = Service.objects.get(pk=sid("diapers-lou"))
    with django_capture_on_commit_callbacks(execute=True):
        service.name = "Nappy Exchange"
        service.save()
        search_hooks.service_changed(service.pk)
        assert "Nappy Exchange" not in names("nappy")  # not before the commit
    assert names("nappy") == ["Nappy Exchange"]
    assert "Diaper Bank" not in names("diaper bank")


def test_an_inactive_service_leaves_the_index(directory, own_index, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        Service.objects.filter(pk=sid("dental-lou")).update(status=ServiceStatus.INACTIVE)
        search_hooks.after_import([sid("dental-lou")])
    assert "Free Dental Clinic" not in names("dental")


def test_rebuild_command_indexes_every_active_place(directory, own_index, capsys):
    call_command("rebuild_search_index", "--quiet-progress", "--threads", "1")
    out = capsys.readouterr().out
    assert "Indexed 34 documents" in out  # 34 active services: 32 at a place (one place shared), 2 without
    assert len([p for p in own_index.glob("gen-*") if p.is_dir()]) == 1  # old generation removed
    assert names("food pantry", size=50).count("Community Food Pantry") == 1


def test_a_rebuild_replays_updates_made_while_it_ran(directory, own_index, monkeypatch):
    from wayfinder.directory.search import indexing

    real = indexing.iter_documents

    def slow_documents(ids=None, **kw):
        # An edit arrives (to the old generation) while the rebuild is reading.
        if ids is None:
            Service.objects.filter(pk=sid("vets-fra")).update(name="Veterans Claims Office")
            indexing.reindex_services([str(sid("vets-fra"))])
        return real(ids, **kw) if ids is not None else real()

    monkeypatch.setattr(indexing, "iter_documents", slow_documents)
    Service.objects.filter(pk=sid("vets-fra")).update(name="Veterans Benefits Help")
    report = indexing.rebuild(threads=1)
    assert report.replayed == 1
    assert names("veterans claims office")[0] == "Veterans Claims Office"


def test_a_reader_in_another_process_sees_a_commit(directory, own_index, settings):
    """A second process keeps a reader open; after our commit it finds the new name."""
    script = (
        "import os, sys, time, django\n"
        "os.environ['DJANGO_SETTINGS_MODULE'] = 'wayfinder.settings'\n"
        "django.setup()\n"
        "from wayfinder.directory.search import SearchParams, search\n"
        "assert not search(SearchParams(text='zebra')).hits\n"
        "print('ready', flush=True)\n"
        "sys.stdin.readline()\n"
        "print(','.join(h.display['name'] for h in search(SearchParams(text='zebra')).hits), flush=True)\n"
    )
    env = {
        "SEARCH_INDEX_DIR": str(own_index),
        "WAYFINDER_TESTING": "1",
        "PATH": "/usr/bin:/bin",
        "DATABASE_URL": "sqlite:////tmp/unused-reader.sqlite3",
    }
    reader = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        env=env,
        cwd=settings.BASE_DIR,
    )
    try:
        assert reader.stdout.readline().strip() == "ready"
        Service.objects.filter(pk=sid("clothes-lou")).update(name="Zebra Coat Closet")
        from wayfinder.directory.search import reindex_services

        reindex_services([str(sid("clothes-lou"))])
        reader.stdin.write("\n")
        reader.stdin.flush()
        assert reader.stdout.readline().strip() == "Zebra Coat Closet"
    finally:
        reader.kill()
        reader.wait()


def test_documents_are_the_same_whichever_database(directory):
    """The index is built only from these documents; their digest is fixed, so SQLite
    and PostgreSQL runs of this test prove both databases feed the index identically."""
    docs = list(iter_documents())
    canonical = json.dumps(sorted(docs, key=lambda d: d["key"]), sort_keys=True, default=str)
    digest = hashlib.sha256(canonical.encode()).hexdigest()
    first = next(d for d in docs if d["name"] == "Community Food Pantry")
    assert first["partner"] is True and first["free"] is True and first["languages"] == ["en", "es"]
    assert first["hours"] == [(d, 540, 1020) for d in range(5)]
    assert len(docs) == 34
    assert digest == DOCUMENTS_DIGEST, digest


def test_store_has_no_generation_until_something_is_written(settings, tmp_path):
    settings.SEARCH_INDEX_DIR = tmp_path / "fresh"
    assert store.searcher() is None
    store.ensure_generation()
    assert store.searcher() is not None


# Changed by issue #21: every document carries "fresh" (the day its information was last verified).
DOCUMENTS_DIGEST = "5d1eb896c2567b6a5e7a405bc0614327d48fb6eb506e69686f292f96c9feb41e"


def test_service_ids_matching_is_what_the_hsds_api_can_use(directory):
    from wayfinder.directory.search import service_ids_matching

    ids = service_ids_matching("fod pantry")
    assert ids[0] == str(sid("pantry-lex")) and len(ids) == len(set(ids))
    assert str(sid("closed-lex")) not in ids
    assert service_ids_matching("food", limit=2) == service_ids_matching("food")[:2]


def test_a_huge_import_queues_one_full_rebuild(directory, own_index, monkeypatch, django_capture_on_commit_callbacks):
    monkeypatch.setattr(search_hooks, "REBUILD_ABOVE", 3)
    Service.objects.filter(pk=sid("ged-geo")).update(name="High School Equivalency Classes")
    with django_capture_on_commit_callbacks(execute=True):
        search_hooks.after_import([sid("ged-geo"), sid("esl-lou"), sid("vita-lex"), sid("bus-lex")])
    assert names("equivalency")[0] == "High School Equivalency Classes"


def test_the_demo_loader_builds_the_index(directory, own_index):
    import io

    from wayfinder.demo.search import load_demo_index

    out = io.StringIO()
    load_demo_index(out)
    assert "Search index: 34 documents" in out.getvalue()


def test_parallel_reading_gives_the_same_documents(directory, monkeypatch):
    """Forked readers need a database file; here the ranges are read in-process instead."""
    from wayfinder.directory.search import parallel

    serial = list(iter_documents(chunk=7))
    monkeypatch.setattr(parallel, "_partners", parallel.documents._partner_ids())
    by_key = [doc for bounds in parallel._boundaries(7) for doc in parallel._range_documents(bounds)]
    monkeypatch.setattr(parallel, "_locations", parallel.documents.location_table())
    from_table = [doc for bounds in parallel._boundaries(7) for doc in parallel._range_documents(bounds)]
    assert serial == list(iter_documents())
    assert by_key == from_table == [document_json(doc) for doc in serial]


def test_a_location_added_during_a_rebuild_is_read_by_key(directory, monkeypatch):
    """The rebuild's location table is read before the workers start; a place added after is still indexed."""
    from wayfinder.directory.models import Address, Location, Service, ServiceAtLocation
    from wayfinder.directory.search import parallel

    monkeypatch.setattr(parallel, "_locations", parallel.documents.location_table())
    service = Service.objects.get(pk=sid("pantry-lex"))
    place = Location.objects.create(name="New site", latitude=38.2, longitude=-85.7)
    Address.objects.create(location=place, address_1="9 New St", city="Louisville", state_province="KY")
    added = ServiceAtLocation.objects.create(service=service, location=place)
    docs = [json.loads(doc) for bounds in parallel._boundaries(7) for doc in parallel._range_documents(bounds)]
    mine = [doc for doc in docs if doc["key"] == str(added.pk)]
    assert len(mine) == 1 and (mine[0]["lat"], mine[0]["lon"]) == (38.2, -85.7)
    assert json.loads(base64.b64decode(mine[0]["disp"]))["address"] == "9 New St, Louisville, KY"


def test_an_update_without_an_index_builds_the_whole_index(directory, settings, tmp_path):
    from wayfinder.directory.search import reindex_services

    settings.SEARCH_INDEX_DIR = tmp_path / "empty"
    reindex_services([str(sid("pantry-lex"))])
    assert len(search(SearchParams(categories=["food"], size=50)).hits) == 8


def admin_form_data(model, obj, user, **changes) -> dict:
    """What the Django admin's change form for ``obj`` posts, with ``changes`` typed in."""
    from django.contrib.admin.sites import site
    from django.test import RequestFactory

    request = RequestFactory().get("/")
    request.user = user
    form = site._registry[model].get_form(request, obj)(instance=obj)
    data = {}
    for name, field in form.fields.items():
        value = field.prepare_value(form[name].value())
        if value not in (None, False):
            data[name] = "on" if value is True else value
    return data | changes


def test_an_admin_fix_is_searchable_after_the_update_task(
    client, directory, own_index, personas, django_capture_on_commit_callbacks
):
    """A system administrator renames an organization in the Django admin: its services' results follow."""
    from django.urls import reverse

    from wayfinder.directory.models import Organization

    service = Service.objects.select_related("organization").get(pk=sid("diapers-lou"))
    organization = service.organization
    client.force_login(personas["system_admin"])
    url = reverse("admin:directory_organization_change", args=[organization.pk])
    data = admin_form_data(Organization, organization, personas["system_admin"], name="Ohio Valley Baby Alliance")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    hits = search(SearchParams(text="ohio valley baby alliance")).hits
    assert {h.display["organization_name"] for h in hits} == {"Ohio Valley Baby Alliance"}
    assert service.name in {h.display["name"] for h in hits}
