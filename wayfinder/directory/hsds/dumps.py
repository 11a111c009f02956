"""Unpaged HSDS API downloads (``format=ndjson``) without letting anyone tie up the database.

The whole directory, asked for without filters, is served from a file written once a day
(``manage.py build_hsds_dumps``, run by the scheduler at 03:00; docs/operations.md): a static file
costs the server nothing however often it is fetched. Unpaged requests that need a query (filtered,
or before the first dump exists) are streamed, at most ``HSDS_NDJSON_PER_HOUR`` per client per hour
(per account when signed in, else per address); past that, 429 with ``Retry-After``.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import tempfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.cache import cache
from django.http import FileResponse, HttpRequest, JsonResponse, StreamingHttpResponse
from django.utils.http import http_date

from wayfinder.lib.request_context import client_ip, hash_identifier

from . import serialize
from .queries import ServiceFilters, service_at_locations, services, taxonomy_terms

CHUNK = 200
Render = Callable[[list[Any]], list[dict[str, Any]]]


def _organizations(ids: list[Any]) -> list[dict[str, Any]]:
    return serialize.organizations(ids, full=False, with_services=False)


def _all_ids(name: str) -> Iterable[Any]:
    from ..models import Organization, Taxonomy

    if name.startswith("services"):
        return services(ServiceFilters())[0]
    if name == "organizations":
        return Organization.objects.order_by("name", "id").values_list("id", flat=True)
    if name == "service_at_locations":
        return service_at_locations(ServiceFilters())[0]
    if name == "taxonomies":
        return Taxonomy.objects.order_by("name", "id").values_list("id", flat=True)
    return taxonomy_terms()


RENDER: dict[str, Render] = {
    "services": serialize.services_flat,
    "services-full": serialize.services_full,
    "services-minimal": serialize.services_minimal,
    "organizations": _organizations,
    "service_at_locations": lambda ids: serialize.service_at_locations(ids, full=False),
    "taxonomies": lambda ids: serialize.flat_rows("taxonomy", ids),
    "taxonomy_terms": lambda ids: serialize.flat_rows("taxonomy_term", ids),
}


def dump_path(name: str) -> Path:
    return Path(settings.HSDS_DUMP_DIR) / f"{name}.ndjson"


def lines(ids: Iterable[Any], render: Render) -> Iterator[str]:
    all_ids = list(ids)
    for start in range(0, len(all_ids), CHUNK):
        for doc in render(all_ids[start : start + CHUNK]):
            yield json.dumps(doc, ensure_ascii=False) + "\n"


def build_dumps(names: Iterable[str] | None = None) -> dict[str, int]:
    """Write every dump (or ``names``) to a temporary file, then move it into place: a download in
    progress keeps reading the old file. Returns the records written per dump."""
    folder = Path(settings.HSDS_DUMP_DIR)
    folder.mkdir(parents=True, exist_ok=True)
    counts = {}
    for name in names or RENDER:
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=f".{name}-", suffix=".tmp")
        try:
            n = 0
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                for line in lines(_all_ids(name), RENDER[name]):
                    fh.write(line)
                    n += 1
            os.replace(tmp, dump_path(name))
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
        counts[name] = n
    return counts


def throttled(request: HttpRequest) -> JsonResponse | None:
    """A 429 when this client has used its unpaged requests for the hour, else None (and counts one)."""
    limit = int(settings.HSDS_NDJSON_PER_HOUR)
    user = getattr(request, "user", None)
    who = f"user:{user.pk}" if user is not None and user.is_authenticated else f"ip:{client_ip(request) or ''}"
    key = f"hsds:ndjson:{hash_identifier(who)}"
    cache.add(key, 0, 3600)
    try:
        used = cache.incr(key)
    except ValueError:
        cache.set(key, 1, 3600)
        used = 1
    if used <= limit:
        return None
    response = JsonResponse(
        {
            "detail": f"at most {limit} unpaged (format=ndjson) requests an hour; use paging (page, per_page) "
            "or the daily download of the whole directory (format=ndjson without filters)"
        },
        status=429,
    )
    response["Retry-After"] = "3600"
    return response


def ndjson(request: HttpRequest, name: str, ids: Iterable[Any], render: Render, *, whole: bool) -> Any:
    """The response to an unpaged request (see the module docstring)."""
    path = dump_path(name)
    if whole and path.exists():
        response = FileResponse(path.open("rb"), content_type="application/x-ndjson")
        modified = path.stat().st_mtime
        response["Last-Modified"] = http_date(modified)
        response["X-HSDS-Dump-Generated"] = dt.datetime.fromtimestamp(modified, dt.UTC).isoformat()
        return response
    refused = throttled(request)
    if refused is not None:
        return refused
    return StreamingHttpResponse(lines(ids, render), content_type="application/x-ndjson")
