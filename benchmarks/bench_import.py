"""Import rate of the HSDS importer (services/second) on the configured database.

Usage (the Makefile's ``bench-import`` runs both):
    .venv/bin/python benchmarks/bench_import.py [--sizes 12000 100000] [--forms 3.0 messy 2.0] [--seed 2026]
    ./scripts/with-postgres.sh .venv/bin/python benchmarks/bench_import.py

Targets (issue #16): at 100,000 services, 3,000 services/s for a first import of the 3.0 feed
and 6,000 for an unchanged re-import, on both databases.

SQLite is used unless DATABASE_URL is set. Each size imports into a fresh, migrated
database (a temporary SQLite file, or a new PostgreSQL database next to the one in
DATABASE_URL), twice: the first import creates everything, the second must find
nothing to change. Feeds are generated once with ``generate_directory`` and cached in
benchmarks/data (git-ignored). Each feed is measured in three forms (feed_forms.py): the HSDS 3.0
datapackage as generated, the same records ``messy`` (the normalization path) and as an HSDS
``2.0`` datapackage (the upgrade path). Results are printed as a table and merged into
benchmarks/results/import.json; ``peak_rss_mb`` is the import process's largest resident memory
over both imports.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CACHE = ROOT / "benchmarks" / "data"
RESULTS = ROOT / "benchmarks" / "results" / "import.json"
PY = sys.executable
sys.path.insert(0, str(ROOT / "benchmarks"))
import feed_forms  # noqa: E402


def child_env(database_url: str | None, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "WAYFINDER_DEMO": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "AUDIT_HMAC_KEY": secrets.token_urlsafe(48),
        "AUDIT_CHECKPOINT_FILE": str(data_dir / "audit-checkpoints.jsonl"),
        "WAYFINDER_DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "localhost",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def feed_for(size: int, seed: int, form: str = "3.0") -> Path:
    if form == "messy":
        return feed_forms.messy(feed_for(size, seed), CACHE / f"ky-{size}-{seed}-messy")
    if form == "2.0":
        return feed_forms.hsds_2_0(feed_for(size, seed), CACHE / f"ky-{size}-{seed}-hsds-2.0")
    path = CACHE / f"ky-{size}-{seed}"
    if not (path / "datapackage.json").exists():
        env = child_env(None, Path(tempfile.mkdtemp()))
        subprocess.run(
            [PY, "manage.py", "generate_directory", str(path), "--services", str(size), "--seed", str(seed), "-v", "0"],
            cwd=ROOT,
            env=env,
            check=True,
        )
    return path


def fresh_postgres(base_url: str, size: int) -> str:
    import psycopg

    name = f"wayfinder_bench_{size}"
    with psycopg.connect(base_url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}"')
        conn.execute(f'CREATE DATABASE "{name}"')
    return base_url.rsplit("/", 1)[0] + "/" + name


CHILD = """
import json, resource, sys, time
import django
django.setup()
from wayfinder.integrations.two11.importer import import_feed
out = []
for run in range(2):
    start, cpu = time.perf_counter(), time.process_time()
    result = import_feed(sys.argv[1], sys.argv[2] + f"/report-{run}.csv")
    out.append({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "errors": result.errors,
                "services": dict(result.services), "peak_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss})
print(json.dumps(out))
"""


def bench(size: int, seed: int, database_url: str | None, form: str) -> dict:
    feed = feed_for(size, seed, form)
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_postgres(database_url, size) if database_url else None
        env = {**child_env(url, Path(tmp)), "DJANGO_SETTINGS_MODULE": "wayfinder.settings"}
        subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        done = subprocess.run(
            [PY, "-c", CHILD, str(feed), tmp], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
    first, second = json.loads(done.stdout.strip().splitlines()[-1])
    assert first["errors"] == 0 and first["services"].get("created") == size, first
    assert second["services"].get("unchanged") == size, second
    return {
        "database": "postgresql" if database_url else "sqlite",
        "services": size,
        "form": form,
        "first_import_s": round(first["seconds"], 2),
        "first_import_cpu_s": round(first["cpu"], 2),
        "services_per_s": round(size / first["seconds"]),
        "reimport_unchanged_s": round(second["seconds"], 2),
        "reimport_cpu_s": round(second["cpu"], 2),
        "reimport_services_per_s": round(size / second["seconds"]),
        "peak_rss_mb": round(second["peak_kb"] / 1024),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12000, 100000])
    parser.add_argument("--forms", nargs="+", choices=["3.0", "messy", "2.0"], default=["3.0", "messy", "2.0"])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or None
    rows = [bench(size, args.seed, database_url, form) for size in args.sizes for form in args.forms]
    print(
        f"{'database':10} {'services':>9} {'form':>6} {'import s':>9} {'(cpu s)':>8} {'svc/s':>7} "
        f"{'re-import s':>12} {'(cpu s)':>8} {'svc/s':>7} {'peak MB':>8}"
    )
    for r in rows:
        print(
            f"{r['database']:10} {r['services']:>9} {r['form']:>6} {r['first_import_s']:>9} "
            f"{r['first_import_cpu_s']:>8} {r['services_per_s']:>7} {r['reimport_unchanged_s']:>12} "
            f"{r['reimport_cpu_s']:>8} {r['reimport_services_per_s']:>7} {r['peak_rss_mb']:>8}"
        )
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(wall times inflate when other work shares the machine; cpu s is this process only)"
    )
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": []}
    measured = {(n["database"], n["services"], n["form"]) for n in rows}
    keep = [r for r in existing.get("runs", []) if (r["database"], r["services"], r.get("form", "3.0")) not in measured]
    existing.update(
        {
            "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
            "seed": args.seed,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "runs": sorted(keep + rows, key=lambda r: (r["database"], r["services"], r.get("form", "3.0"))),
        }
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
