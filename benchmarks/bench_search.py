"""Directory search benchmark: server time of /search/ next to raw Tantivy time.

For each size: generate the synthetic Kentucky directory (``generate_directory``),
import it (``import_hsds --no-index``), time ``rebuild_search_index``, then run a fixed
mix of 200 queries (keyword, category, keyword+ZIP, category+ZIP, typo) through
Django's test client three times and report the third run: p50/p95 of the server
time and of the time spent inside Tantivy's ``Searcher.search``.

    .venv/bin/python benchmarks/bench_search.py --sizes 12000 100000
    ./scripts/with-postgres.sh .venv/bin/python benchmarks/bench_search.py --sizes 12000 100000

Each size runs in a fresh child process with its own database (a new SQLite file,
or a new PostgreSQL database on the server DATABASE_URL names) and index directory.
Results are merged into benchmarks/results/search.json.

Generating a million services takes minutes and importing them more, so the
generated feed is kept under ``var/bench-cache/`` (keyed by size, seed and a digest
of the generator) and reused; ``--keep-db`` also keeps an imported SQLite database
(keyed by the migrations as well); on PostgreSQL it keeps the imported database on the
server DATABASE_URL names (a long-lived server, not ``with-postgres.sh``'s throwaway one):

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/postgres \\
        .venv/bin/python benchmarks/bench_search.py --keep-db --sizes 1000000

The figures measured are the index build and the queries, which always run fresh; a
reused import reports the time it took when it ran.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from urllib.parse import urlencode

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results" / "search.json"
CACHE = ROOT / "var" / "bench-cache"

KEYWORDS = [
    "food pantry",
    "rent help",
    "diapers",
    "job training",
    "dental care",
    "counseling",
    "shelter",
    "utility bill",
    "legal aid",
    "tax preparation",
    "child care",
    "transportation",
    "clothing",
    "senior",
    "veterans",
    "recovery",
    "prenatal",
    "english classes",
    "furniture",
    "mental health",
]
TYPOS = [
    "fod pantry",
    "rnet help",
    "diapres",
    "job trainng",
    "dentl",
    "counseing",
    "sheltr",
    "utilty bill",
    "legl aid",
    "tax preperation",
    "chld care",
    "transportaton",
    "clothng",
    "senoir",
    "veterns",
    "recovry",
    "prenatl",
    "englsh classes",
    "furnture",
    "mentl health",
]


def query_mix(seed: int) -> list[tuple[str, dict]]:
    from wayfinder.directory.categories import LABELS
    from wayfinder.lib.geo import state_zips

    rng = random.Random(seed)
    zips = [z["zip_code"] for z in state_zips("KY")]
    slugs = sorted(LABELS)
    mix: list[tuple[str, dict]] = []
    for _ in range(40):
        mix.append(("keyword", {"q": rng.choice(KEYWORDS)}))
        mix.append(("category", {"category": rng.choice(slugs)}))
        mix.append(("keyword+zip", {"q": rng.choice(KEYWORDS), "where": rng.choice(zips)}))
        mix.append(("category+zip", {"category": rng.choice(slugs), "where": rng.choice(zips)}))
        mix.append(("typo", {"q": rng.choice(TYPOS)}))
    return mix


class TimedSearcher:
    """Forwards to a Tantivy searcher, adding up the time spent inside Tantivy: the
    queries (``search``), reading the shown documents (``doc``), the distance fast
    fields and the term statistics the typo handling asks for."""

    total = 0.0
    TIMED = frozenset({"search", "doc", "fast_field_values", "doc_freq"})

    def __init__(self, inner) -> None:
        self._inner = inner

    def __getattr__(self, name):
        attr = getattr(self._inner, name)
        if name not in self.TIMED:
            return attr

        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return attr(*args, **kwargs)
            finally:
                TimedSearcher.total += time.perf_counter() - start

        return timed


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))], 2)


def _digest(*paths: Path) -> str:
    import hashlib

    h = hashlib.sha256()
    for path in paths:
        for file in sorted(path.rglob("*.py")) if path.is_dir() else [path]:
            h.update(file.read_bytes())
    return h.hexdigest()[:10]


def generator_digest() -> str:
    return _digest(ROOT / "wayfinder" / "integrations" / "two11" / "generator.py", ROOT / "wayfinder" / "lib")


def migrations_digest() -> str:
    """The directory's tables: other apps' new migrations are applied to a kept database by ``migrate``."""
    return _digest(
        ROOT / "wayfinder" / "directory" / "migrations", ROOT / "wayfinder" / "integrations" / "two11" / "migrations"
    )


def prepared_feed(services: int, seed: int) -> tuple[Path, float]:
    """The generated feed for this size and seed (made once, then reused), and how long making it took."""
    from django.core.management import call_command

    feed = CACHE / f"feed-{services}-{seed}-{generator_digest()}"
    marker = feed / "GENERATED.json"
    if marker.exists():
        return feed, json.loads(marker.read_text())["generate_s"]
    subprocess.run(["rm", "-rf", str(feed)], check=False)
    started = time.perf_counter()
    call_command("generate_directory", str(feed), "--services", str(services), "--seed", str(seed), verbosity=0)
    generate_s = round(time.perf_counter() - started, 1)
    marker.write_text(json.dumps({"generate_s": generate_s}))
    return feed, generate_s


def child(services: int, seed: int, workdir: Path, imported_s: float | None) -> dict:
    import django
    from django.core.management import call_command

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client

    from wayfinder.directory.search import engine, store

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    data, generate_s = prepared_feed(services, seed)
    if imported_s is None:
        started = time.perf_counter()
        call_command("import_hsds", str(data), "--no-index", "--no-progress", verbosity=0)
        import_s = time.perf_counter() - started
    else:
        import_s = imported_s
    warmed_s = warm_database() if imported_s is not None else None
    started = time.perf_counter()
    call_command("rebuild_search_index", "--quiet-progress", verbosity=0)
    build_s = time.perf_counter() - started
    database_settings = {}
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW shared_buffers")
            database_settings["shared_buffers"] = cursor.fetchone()[0]
    index_bytes = sum(p.stat().st_size for p in Path(settings.SEARCH_INDEX_DIR).rglob("*") if p.is_file())

    real_searcher = store.searcher
    engine.store.searcher = lambda: (lambda s: TimedSearcher(s) if s is not None else None)(real_searcher())
    client = Client()
    mix = query_mix(seed)
    runs = []
    for _ in range(3):
        rows = []
        for kind, params in mix:
            TimedSearcher.total = 0.0
            start = time.perf_counter()
            response = client.get("/search/?" + urlencode(params))
            server_ms = (time.perf_counter() - start) * 1000
            assert response.status_code == 200, (params, response.status_code)
            rows.append((kind, server_ms, TimedSearcher.total * 1000))
        runs.append(rows)
    rows = runs[-1]
    by_kind: dict[str, dict] = {}
    for kind in ["all", *dict.fromkeys(k for k, _ in mix)]:
        selected = [r for r in rows if kind in ("all", r[0])]
        server = [r[1] for r in selected]
        raw = [r[2] for r in selected]
        by_kind[kind] = {
            "server_p50": pct(server, 0.5),
            "server_p95": pct(server, 0.95),
            "raw_p50": pct(raw, 0.5),
            "raw_p95": pct(raw, 0.95),
            "server_mean": round(statistics.fmean(server), 2),
            # The "no more than 3x the raw index query", read as end-to-end p95 over Tantivy's p95.
            "ratio_p95": round(pct(server, 0.95) / max(pct(raw, 0.95), 0.01), 2),
        }
    return {
        "services": services,
        "database": settings.DATABASE_VENDOR,
        "database_settings": database_settings,
        "generate_s": round(generate_s, 1),
        "import_s": round(import_s, 1),
        "import_reused": imported_s is not None,
        "database_warmed_s": round(warmed_s, 1) if warmed_s is not None else None,
        "index_build_s": round(build_s, 1),
        "index_mb": round(index_bytes / 1e6, 1),
        "queries": len(mix),
        "results": by_kind,
        # Other work on the machine inflates every figure: the 1-minute load average at the end.
        "load_average": round(os.getloadavg()[0], 2),
        "cpus": os.cpu_count(),
    }


def warm_database() -> float:
    """Read a kept database's directory into the operating system's cache; its seconds.

    The build is measured on a database in memory, as it is right after an import
    and on a server that has been running. A kept database is read from disk by its
    first run instead, and another size or database run in between can push it out:
    at a million services that cold first read made the build 35-70 s slower on
    either database, and made the figure depend on what ran before.
    """
    from django.conf import settings
    from django.db import connection

    started = time.perf_counter()
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("CREATE EXTENSION IF NOT EXISTS pg_prewarm")
            cursor.execute(
                "SELECT sum(pg_prewarm(c.oid, 'read')) FROM pg_class c "
                "JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'i') AND c.relname LIKE 'directory%'"
            )
    else:
        with open(settings.DATABASES["default"]["NAME"], "rb") as database:
            while database.read(1 << 24):
                pass
    return time.perf_counter() - started


def run_size(services: int, seed: int, keep_db: bool = False) -> dict:
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-search-{services}-"))
    imported_s = None
    env = dict(
        os.environ,
        WAYFINDER_TESTING="1",
        DEBUG="0",
        SEARCH_INDEX_DIR=str(workdir / "index"),
        WAYFINDER_DATA_DIR=str(workdir),
        TASKS_BACKEND="django_tasks.backends.immediate.ImmediateBackend",
        DJANGO_SETTINGS_MODULE="wayfinder.settings",
        LOG_LEVEL="ERROR",
    )
    url = os.environ.get("DATABASE_URL", "")
    kept_pg = None
    if url.startswith("postgres"):
        name, imported_s = _postgres_database(url, services, seed, keep_db)
        kept_pg = name if keep_db and imported_s is None else None
        env["DATABASE_URL"] = url.rsplit("/", 1)[0] + "/" + name
    else:
        database = workdir / "bench.sqlite3"
        if keep_db:
            database = CACHE / f"sqlite-{services}-{seed}-{generator_digest()}-{migrations_digest()}.sqlite3"
            stamp = database.with_suffix(".json")
            if database.exists() and stamp.exists():
                imported_s = json.loads(stamp.read_text())["import_s"]
        env["DATABASE_URL"] = f"sqlite:///{database}"
    CACHE.mkdir(parents=True, exist_ok=True)
    command = [sys.executable, __file__, "--child", str(services), "--seed", str(seed), "--workdir", str(workdir)]
    if imported_s is not None:
        command += ["--imported-s", str(imported_s)]
    out = subprocess.run(
        command,
        env=env,
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=False,
    )
    if out.returncode != 0:
        sys.stderr.write(out.stderr[-4000:])
        raise SystemExit(f"benchmark child failed for {services}")
    subprocess.run(["rm", "-rf", str(workdir)], check=False)
    result = json.loads(out.stdout.strip().splitlines()[-1])
    if keep_db and imported_s is None and not url.startswith("postgres"):
        database.with_suffix(".json").write_text(json.dumps({"import_s": result["import_s"]}))
    if kept_pg:
        _postgres_admin(url, f"COMMENT ON DATABASE \"{kept_pg}\" IS '{json.dumps({'import_s': result['import_s']})}'")
    return result


def _postgres_admin(url: str, sql: str, params: list | None = None) -> list[tuple]:
    import psycopg

    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        cursor = conn.execute(sql, params)
        return cursor.fetchall() if cursor.description else []


def _postgres_database(url: str, services: int, seed: int, keep_db: bool) -> tuple[str, float | None]:
    """A new database for this run, or with ``keep_db`` the kept one for this size, seed,
    generator and migrations, and the import time recorded on it when its import finished
    (a database without that record is an interrupted import: made again)."""
    if not keep_db:
        name = f"bench_search_{services}_{int(time.time())}"
        _postgres_admin(url, f'CREATE DATABASE "{name}"')
        return name, None
    name = f"bench_search_{services}_{seed}_{generator_digest()}_{migrations_digest()}"
    rows = _postgres_admin(
        url, "SELECT shobj_description(oid, 'pg_database') FROM pg_database WHERE datname = %s", [name]
    )
    if rows and rows[0][0]:
        return name, json.loads(rows[0][0])["import_s"]
    if rows:
        _postgres_admin(url, f'DROP DATABASE "{name}"')
    _postgres_admin(url, f'CREATE DATABASE "{name}"')
    return name, None


def table(result: dict) -> str:
    lines = [
        f"\n{result['database']} · {result['services']:,} services · import {result['import_s']} s · "
        f"index build {result['index_build_s']} s ({result['index_mb']} MB) · load {result.get('load_average')}",
        f"{'query kind':<14}{'server p50':>12}{'server p95':>12}{'tantivy p50':>13}{'tantivy p95':>13}"
        f"{'p95 ratio':>11}",
    ]
    for kind, r in result["results"].items():
        lines.append(
            f"{kind:<14}{r['server_p50']:>12}{r['server_p95']:>12}{r['raw_p50']:>13}{r['raw_p95']:>13}"
            f"{r.get('ratio_p95', ''):>11}"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", type=int, nargs="+", default=[12000, 100000])
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--keep-db", action="store_true", help="keep and reuse the imported database")
    parser.add_argument("--child", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--imported-s", type=float, help=argparse.SUPPRESS)
    parser.add_argument("--workdir", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        sys.path.insert(0, str(ROOT))
        print(json.dumps(child(args.child, args.seed, args.workdir, args.imported_s)))
        return
    stored = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    for size in args.sizes:
        result = run_size(size, args.seed, keep_db=args.keep_db)
        print(table(result), flush=True)
        stored[f"{result['database']}-{size}"] = result | {
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime())
        }
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(stored, indent=2, sort_keys=True) + "\n")


if __name__ == "__main__":
    main()
