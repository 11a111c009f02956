"""Fixtures shared by the search, page and share tests: one index per test session.

The index is built once from the fixture directory inside a transaction that is
then rolled back; each test recreates the same rows (same ids) in its own
transaction, so the database and the index agree without rebuilding per test.
"""

from __future__ import annotations

import shutil

import pytest
from django.db import transaction
from django.test import override_settings

from wayfinder.directory.search import rebuild

from .directory_fixture import build_directory


class _Rollback(Exception):
    pass


@pytest.fixture(scope="session")
def search_index_dir(django_db_setup, django_db_blocker, tmp_path_factory):
    path = tmp_path_factory.mktemp("search-index")
    with django_db_blocker.unblock(), override_settings(SEARCH_INDEX_DIR=path):
        try:
            with transaction.atomic():
                build_directory()
                rebuild(threads=1)
                raise _Rollback
        except _Rollback:
            pass
    return path


@pytest.fixture
def directory(db, settings, search_index_dir):
    """The fixture rows in this test's transaction, searched through the session index."""
    settings.SEARCH_INDEX_DIR = search_index_dir
    return build_directory()


@pytest.fixture
def own_index(settings, search_index_dir, tmp_path):
    """A private copy of the index for tests that write to it."""
    path = tmp_path / "index"
    shutil.copytree(search_index_dir, path)
    settings.SEARCH_INDEX_DIR = path
    return path


@pytest.fixture
def live_directory(transactional_db, settings, search_index_dir):
    """For browser tests: rows committed so the live server thread sees them."""
    settings.SEARCH_INDEX_DIR = search_index_dir
    return build_directory()


@pytest.fixture
def indexed(db, settings, search_index_dir):
    """Only the index (no rows). Asks for ``db`` because pytest-django creates the test
    database only when some test asks for it, and building the index needs it."""
    settings.SEARCH_INDEX_DIR = search_index_dir
    return search_index_dir
