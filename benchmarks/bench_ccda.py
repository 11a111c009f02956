"""C-CDA benchmark: the summary CCD for a resident with 50 needs (two sources each:
an HIE participant and Medicaid claims), built as ``GET /hie/ccda/<id>`` builds it.

    .venv/bin/python benchmarks/bench_ccda.py                        # SQLite
    ./scripts/with-postgres.sh .venv/bin/python benchmarks/bench_ccda.py

100 builds after 5 warm-up builds; p50/p95 of the wall time of ``build_ccd`` (the
queries through the sharing rule plus the XML). The first document is validated
(CDA schema + schematron) so the figure is for a valid document. Target: p95 < 200 ms.
Results are merged into benchmarks/results/ccda.json, keyed by database.
"""

from __future__ import annotations

import datetime as dt
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_setup import configure_django_in, percentile  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "ccda.json"
NEEDS, RUNS, WARMUP = 50, 100, 5


def configure(workdir: Path) -> None:
    configure_django_in(workdir, "bench-ccda")


def pct(values: list[float], q: float) -> float:
    return round(percentile(values, q * 100), 2)


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        configure(Path(tmp))
        from django.core.management import call_command
        from django.db import connection
        from django.utils import timezone

        call_command("migrate", verbosity=0, interactive=False)
        from wayfinder.integrations.hie.ccda import validation
        from wayfinder.integrations.hie.ccda.document import build_ccd
        from wayfinder.integrations.hie.fhir.auth import ClientGrant
        from wayfinder.integrations.hie.models import ExchangeClient
        from wayfinder.residents.models import NeedSource, Resident, SdohNeed

        codes = ["food-insecurity", "housing-instability", "utility-insecurity", "transportation-insecurity"]
        resident = Resident.objects.create(
            first_name="Bench",
            last_name="Resident",
            date_of_birth=dt.date(1980, 5, 1),
            source="organization",
            city="Frankfort",
            state="KY",
            zip_code="40601",
        )
        now = timezone.now()
        for i in range(NEEDS):
            when = now - dt.timedelta(days=i + 1)
            need = SdohNeed.objects.create(
                resident=resident, domain=f"bench-{i}", sdohcc_codes=[codes[i % 4]], source="hie", observed_at=when
            )
            NeedSource.objects.create(need=need, kind="hie", detail="University Hospital", observed_at=when)
            NeedSource.objects.create(need=need, kind="medicaid_claims", detail="Medicaid claims", observed_at=when)
        client = ExchangeClient.objects.create(
            name="Bench exchange", client_id="bench", jwks={"keys": []}, allowed_scopes="system/DocumentReference.read"
        )
        grant = ClientGrant(client=client, scopes=frozenset({"system/DocumentReference.read"}))
        first = build_ccd(resident, grant)
        report = validation.validate_bytes(first)
        assert report.valid, report.failures[:5]
        for _ in range(WARMUP):
            build_ccd(resident, grant)
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            build_ccd(resident, grant)
            times.append((time.perf_counter() - start) * 1000)
        result = {
            "needs": NEEDS,
            "runs": RUNS,
            "document_bytes": len(first),
            "p50_ms": pct(times, 0.5),
            "p95_ms": pct(times, 0.95),
            "max_ms": round(max(times), 2),
            "mean_ms": round(statistics.fmean(times), 2),
            "valid": True,
            "target_p95_ms": 200,
            "measured_at": timezone.now().isoformat(timespec="seconds"),
        }
        vendor = connection.vendor
        data = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
        data[vendor] = result
        RESULTS.parent.mkdir(parents=True, exist_ok=True)
        RESULTS.write_text(json.dumps(data, indent=2) + "\n")
        print(vendor, json.dumps(result))


if __name__ == "__main__":
    main()
