"""Referral benchmark: creation rate through the real action, and inbox page time
with a large referral table.

    python benchmarks/bench_referrals.py --referrals 1000000            # SQLite
    scripts/with-postgres.sh python benchmarks/bench_referrals.py ...   # PostgreSQL

It builds its own database (a SQLite file under benchmarks/data/, or the database
in DATABASE_URL), so it never touches the demo database. Results are printed and
merged into benchmarks/results/referrals.json, keyed by database and size.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
import uuid
from datetime import timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))
from bench_setup import configure_django, percentile, sign_in  # noqa: E402

RESULTS = ROOT / "benchmarks" / "results" / "referrals.json"


def configure(args: argparse.Namespace) -> None:
    configure_django(f"bench-referrals-{args.referrals}")


def build_world(organizations: int, services_per_org: int, residents: int, seed: int):
    from django.core.management import call_command
    from django.utils import timezone

    from wayfinder.demo.personas import load_personas
    from wayfinder.directory.models import Organization, Service
    from wayfinder.partners.models import Partner
    from wayfinder.residents.models import Resident

    call_command("migrate", verbosity=0)
    call_command("createcachetable", verbosity=0)
    load_personas()
    rng = random.Random(seed)
    if Organization.objects.filter(name__startswith="Bench org").count() < organizations:
        now = timezone.now()
        orgs = [
            Organization(
                name=f"Bench org {i:04d}",
                description="Benchmark organization",
                partner_since=None if i % 10 == 0 else now,
            )
            for i in range(organizations)
        ]
        Organization.objects.bulk_create(orgs, batch_size=1000)
        Partner.objects.bulk_create([Partner(organization=o) for o in orgs])
        Service.objects.bulk_create(
            [Service(organization=o, name=f"Service {j} of {o.name}") for o in orgs for j in range(services_per_org)],
            batch_size=2000,
        )
    if Resident.objects.filter(source="organization", first_name__startswith="Bench").count() < residents:
        first = ["Amy", "Jordan", "Maria", "James", "Ava", "Noah", "Liam", "Emma", "Lucas", "Mia"]
        last = ["Brand", "Smith", "Johnson", "Garcia", "Miller", "Davis", "Lopez", "Wilson", "Clark", "Young"]
        batch = []
        for i in range(residents):
            resident = Resident(
                first_name=f"Bench{rng.choice(first)}",
                last_name=f"{rng.choice(last)}{i % 997}",
                date_of_birth=f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                source="organization",
            )
            resident.refresh_keys()
            batch.append(resident)
            if len(batch) == 5000:
                Resident.objects.bulk_create(batch)
                batch = []
        Resident.objects.bulk_create(batch)


def fill_referrals(target: int, seed: int) -> float:
    """Bulk-insert referrals (spread over three years) until the table holds ``target``."""
    from django.utils import timezone

    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Service
    from wayfinder.referrals.models import Referral, Status
    from wayfinder.residents.models import Resident

    existing = Referral.objects.count()
    if existing >= target:
        return 0.0
    rng = random.Random(seed + existing)
    creator = User.objects.filter(email__startswith="staff@bluegrassfoodbank").get()
    services = list(Service.objects.filter(name__startswith="Service ").values_list("pk", "organization_id"))
    from wayfinder.residents.names import name_key

    residents = {
        pk: name_key(f"{first} {last}")
        for pk, first, last in Resident.objects.filter(first_name__startswith="Bench").values_list(
            "pk", "first_name", "last_name"
        )
    }
    from wayfinder.residents.names import search_keys

    keys = {pk: search_keys(name) for pk, name in residents.items()}
    resident_ids = list(residents)
    org_ids = sorted({org for _, org in services})
    now = timezone.now()
    started = time.perf_counter()
    batch: list[Referral] = []
    for _ in range(target - existing):
        service_id, receiving = rng.choice(services)
        status = rng.choices([Status.NEW, Status.IN_PROGRESS, Status.CLOSED], weights=[2, 2, 6])[0]
        created = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        resident_id = rng.choice(resident_ids)
        batch.append(
            Referral(
                id=uuid.uuid4(),
                resident_id=resident_id,
                resident_search=residents[resident_id],
                resident_keys=keys[resident_id],
                service_id=service_id,
                receiving_organization_id=receiving,
                sending_organization_id=rng.choice(org_ids),
                created_by=creator,
                status=status,
                created_at=created,
                status_changed_at=created,
                resource_provided=(rng.random() < 0.6) if status == Status.CLOSED else None,
            )
        )
        if len(batch) == 10000:
            Referral.objects.bulk_create(batch)
            batch = []
    Referral.objects.bulk_create(batch)
    return time.perf_counter() - started


def measure_creation(count: int) -> float:
    """Referrals per second through ``create_referral`` (validation, history row,
    audit entry, outbox messages), one after another."""
    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Organization, Service
    from wayfinder.referrals.actions import create_referral
    from wayfinder.residents.models import Resident

    staff = User.objects.get(email="staff@bluegrassfoodbank.demo.wayfinder.test")
    sender = Organization.objects.get(memberships__user=staff)
    services = list(Service.objects.filter(name__startswith="Service ").select_related("organization")[:200])
    residents = list(Resident.objects.filter(first_name__startswith="Bench")[:count])
    started = time.perf_counter()
    for i in range(count):
        create_referral(
            actor=staff,
            resident=residents[i % len(residents)],
            service=services[i % len(services)],
            sending_organization=sender,
        )
    return count / (time.perf_counter() - started)


def measure_inbox(runs: int, seed: int) -> dict[str, float]:
    """Server time of inbox and outbox pages through Django's test client."""
    from django.test import Client

    from wayfinder.accounts.models import Membership, User
    from wayfinder.directory.models import Organization
    from wayfinder.referrals.models import Referral

    # The busiest organization's staff member reads its inbox.
    busiest = (
        Referral.objects.values("receiving_organization")
        .order_by()
        .annotate(n=__import__("django").db.models.Count("id"))
        .order_by("-n")
        .first()
    )
    organization = Organization.objects.get(pk=busiest["receiving_organization"])
    if organization.partner_since is None:  # only onboarded organizations work their inbox
        from django.utils import timezone

        organization.partner_since = timezone.now()
        organization.save(update_fields=["partner_since"])
    reader, _ = User.objects.get_or_create(email="bench.reader@example.org", defaults={"full_name": "Bench Reader"})
    Membership.objects.get_or_create(user=reader, organization=organization, defaults={"role": "staff"})
    from allauth.mfa.models import Authenticator

    if not Authenticator.objects.filter(user=reader).exists():
        from allauth.mfa.totp.internal.auth import TOTP

        TOTP.activate(reader, "JBSWY3DPEHPK3PXP")
    client = Client()
    sign_in(client, reader)
    rng = random.Random(seed)
    # Client names: a part, a sound-alike typo, and a name nobody has (the worst case: the whole
    # inbox is read, then the spelling fallback compares the newest 2,000 names).
    urls = ["/referrals/inbox/", "/referrals/inbox/?status=new", "/referrals/inbox/?status=closed&page=3",
            "/referrals/inbox/?client=BenchAmy", "/referrals/inbox/?client=BenchAmy+Jonson",
            "/referrals/inbox/?client=Zqxwv", "/referrals/sent/", "/referrals/inbox/?assignee=none"]  # fmt: skip
    for url in urls:  # warm up
        warm = client.get(url)
        assert warm.status_code == 200, (url, warm.status_code, warm.get("Location"))
    timings: list[float] = []
    by_url: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(runs):
        url = rng.choice(urls)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        timings.append(elapsed)
        by_url[url].append(elapsed)
        assert response.status_code == 200
    return {
        "by_url_p95_ms": {url: round(percentile(t, 95), 1) for url, t in by_url.items() if t},
        "inbox_rows_for_org": busiest["n"],
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=400)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--create", type=int, default=500, help="referrals created through the action")
    parser.add_argument("--runs", type=int, default=300)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    configure(args)
    from django.db import connection

    build_world(args.organizations, 5, args.residents, args.seed)
    fill_seconds = fill_referrals(args.referrals, args.seed)
    created_per_second = measure_creation(args.create)
    inbox = measure_inbox(args.runs, args.seed)
    from wayfinder.referrals.models import Referral

    result = {
        "database": connection.vendor,
        "referrals": Referral.objects.count(),
        "bulk_fill_seconds": round(fill_seconds, 1),
        "created_per_second": round(created_per_second, 1),
        **inbox,
        "target_p95_ms": 100,
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
    }
    print(f"{'database':<12}{'referrals':>11}{'created/s':>11}{'inbox p50':>11}{'inbox p95':>11}")
    print(
        f"{result['database']:<12}{result['referrals']:>11,}{result['created_per_second']:>11}{result['p50_ms']:>10}ms{result['p95_ms']:>10}ms"
    )
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[f"{connection.vendor}-{args.referrals}"] = result
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")


if __name__ == "__main__":
    main()
