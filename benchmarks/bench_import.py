"""Import rate of the HSDS importer (services/second) on the configured database.

Usage (the Makefile's ``bench-import`` runs both):
    .venv/bin/python benchmarks/bench_import.py [--sizes 12000 100000] [--seed 2026]
    ./scripts/with-postgres.sh .venv/bin/python benchmarks/bench_import.py

SQLite is used unless DATABASE_URL is set. Each size imports into a fresh, migrated
database (a temporary SQLite file, or a new PostgreSQL database next to the one in
DATABASE_URL), twice: the first import creates everything, the second must find
nothing to change. Feeds are generated once with ``generate_directory`` and cached in
benchmarks/data (git-ignored). Results are printed as a table and merged into
benchmarks/results/import.json.
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


def child_env(database_url: str | None, data_dir: Path) -> dict[str, str]:
    env = {
        **os.environ,
        "DEBUG": "0",
        "WAYFINDER_DEMO": "0",
        "SECRET_KEY": secrets.token_urlsafe(64),
        "WAYFINDER_DATA_DIR": str(data_dir),
        "ALLOWED_HOSTS": "localhost",
    }
    env.pop("DATABASE_URL", None)
    if database_url:
        env["DATABASE_URL"] = database_url
    return env


def feed_for(size: int, seed: int) -> Path:
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
import json, sys, time
import django
django.setup()
from wayfinder.integrations.two11.importer import import_feed
out = []
for run in range(2):
    start, cpu = time.perf_counter(), time.process_time()
    result = import_feed(sys.argv[1], sys.argv[2] + f"/report-{run}.csv")
    out.append({"seconds": time.perf_counter() - start, "cpu": time.process_time() - cpu, "errors": result.errors,
                "services": dict(result.services)})
print(json.dumps(out))
"""


def bench(size: int, seed: int, database_url: str | None) -> dict:
    feed = feed_for(size, seed)
    with tempfile.TemporaryDirectory() as tmp:
        url = fresh_postgres(database_url, size) if database_url else None
        env = {**child_env(url, Path(tmp)), "DJANGO_SETTINGS_MODULE": "wayfinder.settings"}
        subprocess.run([PY, "manage.py", "migrate", "-v", "0"], cwd=ROOT, env=env, check=True)
        done = subprocess.run(
            [PY, "-c", CHILD, str(feed), tmp], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
    first, second = json.loads(done.stdout.strip().splitlines()[-1])
    assert first["errors"] == 0 and second["services"].get("unchanged") == size, (first, second)
    return {
        "database": "postgresql" if database_url else "sqlite",
        "services": size,
        "first_import_s": round(first["seconds"], 2),
        "first_import_cpu_s": round(first["cpu"], 2),
        "services_per_s": round(size / first["seconds"]),
        "reimport_unchanged_s": round(second["seconds"], 2),
        "reimport_cpu_s": round(second["cpu"], 2),
        "reimport_services_per_s": round(size / second["seconds"]),
        "load_average_1m": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[12000, 100000])
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    database_url = os.environ.get("DATABASE_URL") or None
    rows = [bench(size, args.seed, database_url) for size in args.sizes]
    print(
        f"{'database':10} {'services':>9} {'import s':>9} {'(cpu s)':>8} {'svc/s':>7} "
        f"{'re-import s':>12} {'(cpu s)':>8} {'svc/s':>7}"
    )
    for r in rows:
        print(
            f"{r['database']:10} {r['services']:>9} {r['first_import_s']:>9} {r['first_import_cpu_s']:>8} "
            f"{r['services_per_s']:>7} {r['reimport_unchanged_s']:>12} {r['reimport_cpu_s']:>8} "
            f"{r['reimport_services_per_s']:>7}"
        )
    print(
        f"load average during the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores "
        "(wall times inflate when other work shares the machine; cpu s is this process only)"
    )
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {"runs": []}
    keep = [
        r
        for r in existing.get("runs", [])
        if (r["database"], r["services"]) not in {(n["database"], n["services"]) for n in rows}
    ]
    existing.update(
        {
            "machine": f"{platform.machine()} {os.cpu_count()} cores, Python {platform.python_version()}",
            "seed": args.seed,
            "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "runs": sorted(keep + rows, key=lambda r: (r["database"], r["services"])),
        }
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
