"""FHIR inbound benchmark: 100-entry transaction bundles and observations per second
with N received resources already stored (issue #19).

    python benchmarks/bench_fhir.py --stored 20000                          # SQLite
    scripts/with-postgres.sh python benchmarks/bench_fhir.py --stored 20000 # PostgreSQL
    python benchmarks/bench_fhir.py --stored 1000000                        # the target size
    python benchmarks/bench_fhir.py --stored 20000 --profile var/fhir.prof  # cProfile one bundle

Runs with production settings (DEBUG=0). The filled database is kept: the SQLite
file under benchmarks/data/, and on PostgreSQL the cluster in PG_KEEP_DIR
(``make bench-fhir`` keeps it in var/bench-cache/postgres-fhir), so a second run
only tops the fill up.

Fills its own database (a SQLite file under benchmarks/data/ kept between runs, or
DATABASE_URL) with N received Observations from one exchange client (bulk_create,
once), then that client posts transaction bundles of one Patient (matched to a resident by the
eligibility individual id) and 99 Hunger Vital Sign Observations through the real
endpoint (token from the real token endpoint). Each bundle is new data: every
entry is checked, stored, audited and files the food need. Target: p95 < 1 s per
bundle. Results merged into benchmarks/results/fhir.json, keyed by database.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import statistics
import sys
import time
import uuid
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_setup import configure_django, database_settings, percentile  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "fhir.json"
EXAMPLE = ROOT / ".." / "shared" / "standards" / "fhir-sdohcc-examples"
HVS = {
    "resourceType": "Observation",
    "status": "final",
    "category": [
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/observation-category", "code": "survey"}]},
        {"coding": [{"system": "http://hl7.org/fhir/us/core/CodeSystem/us-core-category", "code": "sdoh"}]},
        {
            "coding": [
                {
                    "system": "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes",
                    "code": "food-insecurity",
                }
            ]
        },
    ],
    "code": {"coding": [{"system": "http://loinc.org", "code": "88124-3"}]},
    "effectiveDateTime": "2026-01-10T10:00:00Z",
    "valueCodeableConcept": {"coding": [{"system": "http://loinc.org", "code": "LA19952-3"}]},
    "interpretation": [
        {"coding": [{"system": "http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation", "code": "POS"}]}
    ],
}


def fill(stored: int):
    """The exchange client, with ``stored`` received Observations (bulk, topped up)."""
    from wayfinder.integrations.hie.inbound.models import ReceivedResource
    from wayfinder.integrations.hie.models import ExchangeClient

    filler, _ = ExchangeClient.objects.get_or_create(
        client_id="bench-filler", defaults={"name": "Bench filler", "participant_name": "Filler", "jwks": {"keys": []}}
    )
    have = ReceivedResource.objects.filter(client=filler).count()
    if have < stored:
        print(f"filling {stored - have:,} received Observations", file=sys.stderr, flush=True)
    batch = []
    for number in range(have, stored):
        batch.append(
            ReceivedResource(
                client=filler,
                resource_type="Observation",
                source_id=f"fill-{number}",
                identifier_key=f"urn:bench|{number}",
                identifiers=[f"urn:bench|{number}"],
                resource={**HVS, "id": f"fill-{number}", "subject": {"reference": "Patient/none"}},
            )
        )
        if len(batch) == 5000:
            ReceivedResource.objects.bulk_create(batch)
            batch = []
            if number % 100000 == 99999:
                print(f"  {number + 1:,}", file=sys.stderr, flush=True)
    if batch:
        ReceivedResource.objects.bulk_create(batch)
    return filler


def bundle(run: int, individual_id: str) -> dict:
    patient = {
        "resourceType": "Patient",
        "id": f"bench-patient-{run}",
        "identifier": [{"system": "urn:wayfinder:ky:iees:individual-id", "value": individual_id}],
        "name": [{"family": "Bench", "given": ["Run"]}],
        "birthDate": "1980-01-01",
    }
    entries = [{"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": patient, "request": {"method": "POST"}}]
    patient_url = entries[0]["fullUrl"]
    for number in range(99):
        observation = {
            **HVS,
            "id": f"bench-{run}-{number}-{uuid.uuid4().hex[:8]}",
            "subject": {"reference": patient_url},
        }
        entries.append(
            {"fullUrl": "urn:uuid:" + str(uuid.uuid4()), "resource": observation, "request": {"method": "POST"}}
        )
    return {"resourceType": "Bundle", "type": "transaction", "entry": entries}


def new_resident():
    from wayfinder.residents.models import Resident

    individual_id = f"B{uuid.uuid4().hex[:12].upper()}"
    Resident.objects.create(
        first_name="Run", last_name="Bench", date_of_birth=datetime.date(1980, 1, 1),
        individual_id=individual_id, source="eligibility",
    )  # fmt: skip
    return individual_id


def profile(http, headers: dict, path: str) -> None:
    """One warm-up bundle, then one under cProfile (the stats written to ``path``)."""
    import cProfile
    import pstats

    for run in ("warm", "profiled"):
        body = json.dumps(bundle(run, new_resident()))
        profiler = cProfile.Profile()
        begin = time.perf_counter()
        if run == "profiled":
            profiler.enable()
        answer = http.post("/fhir/", body, content_type="application/fhir+json", **headers)
        profiler.disable()
        assert answer.status_code == 200, answer.content[:500]
        print(f"{run}: {time.perf_counter() - begin:.3f} s", file=sys.stderr)
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    profiler.dump_stats(path)
    pstats.Stats(path).sort_stats("cumulative").print_stats(40)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--stored", type=int, default=20000)
    parser.add_argument("--runs", type=int, default=20)
    parser.add_argument("--fill-only", action="store_true", help="fill (or top up) the database, time nothing")
    parser.add_argument("--profile", metavar="FILE", help="cProfile one bundle post into FILE; nothing recorded")
    args = parser.parse_args()
    configure_django(f"bench-fhir-{args.stored}", production=True)
    from django.conf import settings
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client

    from wayfinder.integrations.hie.tests.clients import bearer, new_key, public_jwk, token_for

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    started = time.perf_counter()
    exchange = fill(args.stored)
    fill_seconds = time.perf_counter() - started
    if args.fill_only:
        print(f"filled in {fill_seconds:.1f} s", file=sys.stderr)
        return
    scopes = "system/Patient.write system/Observation.write system/Patient.read system/Observation.read"
    # The client that sent the million posts the bundles: one exchange sends everything,
    # so every look-up scoped by client meets all of them. A fresh key each run.
    key = new_key()
    exchange.jwks = {"keys": [public_jwk(key, kid=f"{exchange.client_id}-key")]}
    exchange.allowed_scopes = scopes
    exchange.save(update_fields=["jwks", "allowed_scopes"])
    headers = bearer(token_for(exchange, key))
    http = Client()
    timings: list[float] = []
    cpu_times: list[float] = []  # this process's CPU (not PostgreSQL's): what the shared machine's load does not add
    if args.profile:
        profile(http, headers, args.profile)
        return
    for run in range(args.runs):
        body = json.dumps(bundle(run, new_resident()))
        begin, cpu = time.perf_counter(), time.process_time()
        answer = http.post("/fhir/", body, content_type="application/fhir+json", **headers)
        timings.append(time.perf_counter() - begin)
        cpu_times.append(time.process_time() - cpu)
        assert answer.status_code == 200, answer.content[:500]
    result = {
        "stored": args.stored,
        "fill_seconds": round(fill_seconds, 1),
        "stored_by": "the client posting the bundles",
        "runs": args.runs,
        "bundle_entries": 100,
        "bundle_p50_s": round(statistics.median(timings), 3),
        "bundle_p95_s": round(percentile(timings, 95), 3),
        "bundle_cpu_p50_s": round(statistics.median(cpu_times), 3),
        "bundle_cpu_p95_s": round(percentile(cpu_times, 95), 3),
        "observations_per_s": round(99 * len(timings) / sum(timings), 1),
        "target": "100-entry transaction p95 < 1 s",
        "measured_at": datetime.datetime.now(datetime.UTC).isoformat(timespec="seconds"),
        "debug": settings.DEBUG,
        "database": database_settings(),
        # The machine is shared: its load while the bundles were timed, beside the figures.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
    }
    # Re-read just before writing: the other database's entry (written by the other
    # half of `make bench-fhir`) is kept as it is.
    results = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    results[connection.vendor] = result
    RESULTS.write_text(json.dumps(results, indent=2) + "\n")
    print(json.dumps({connection.vendor: result}, indent=2))


if __name__ == "__main__":
    main()
