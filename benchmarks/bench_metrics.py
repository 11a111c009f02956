"""Metrics benchmark: dashboards and the monthly incentive report at state scale.

    python benchmarks/bench_metrics.py                                  # SQLite
    scripts/with-postgres.sh python benchmarks/bench_metrics.py         # PostgreSQL

Builds its own database (a SQLite file under benchmarks/data/, or DATABASE_URL)
with 1,000 organizations, 100,000 residents, 1,000,000 referrals over three years
(with their status events: created, in progress, closed by the receiving
organization or a referral specialist) and 1,000,000 completed assessments; runs
the incremental job from nothing (the first run reads every referral), then
times the partner dashboard and the statewide page through Django's test client
(p50 / p95 over many requests) and the incentive report of last month for the
1,000 organizations. Targets: pages p95 < 200 ms, report < 60 s. Results are
merged into benchmarks/results/metrics.json, keyed by database.
"""

from __future__ import annotations

import argparse
import json
import os
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

RESULTS = ROOT / "benchmarks" / "results" / "metrics.json"
CATEGORIES = ["food", "housing", "utilities", "transportation", "health-care", "mental-health", "employment",
              "education", "income", "child-care", "legal", "safety", "goods"]  # fmt: skip
COUNTIES = ["Jefferson", "Fayette", "Kenton", "Boone", "Warren", "Hardin", "Daviess", "Campbell", "Madison", "Pike",
            "Laurel", "Christian", "Oldham", "Scott", "Bullitt", "Pulaski", "McCracken", "Boyd", "Floyd",
            "Clark"]  # fmt: skip


def configure(args: argparse.Namespace) -> None:
    configure_django(f"bench-metrics-{args.referrals}")


def build_world(organizations: int, residents: int, seed: int) -> None:
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
        orgs = [Organization(name=f"Bench org {i:04d}", description="Benchmark") for i in range(organizations)]
        Organization.objects.bulk_create(orgs, batch_size=1000)
        start = timezone.now() - timedelta(days=3 * 365)
        partners = []
        for i, o in enumerate(orgs):
            kind, tax = "community_partner", "nonprofit"
            if i % 20 == 1:
                kind = "hospital"
            elif i % 20 == 2:
                kind, tax = "state_agency", "government"
            elif i % 20 == 3:
                tax = "for_profit"
            o.partner_since = None if i % 20 == 4 else start + timedelta(days=rng.randint(0, 3 * 365))
            partners.append(Partner(organization=o, kind=kind, tax_status=tax))
        Partner.objects.bulk_create(partners)
        Organization.objects.bulk_update(orgs, ["partner_since"], batch_size=1000)
        Service.objects.bulk_create(
            [
                Service(organization=o, name=f"Service {j} of {o.name}", categories=[rng.choice(CATEGORIES)])
                for o in orgs
                for j in range(2)
            ],
            batch_size=2000,
        )
    if Resident.objects.filter(first_name__startswith="Bench").count() < residents:
        batch = []
        for i in range(residents):
            batch.append(
                Resident(
                    first_name=f"Bench{i % 50}",
                    last_name=f"Resident{i}",
                    date_of_birth=f"19{rng.randint(40, 99)}-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                    source="organization",
                    county=rng.choice(COUNTIES),
                    preferred_language="es" if rng.random() < 0.08 else "en",
                )
            )
            if len(batch) == 5000:
                Resident.objects.bulk_create(batch)
                batch = []
        Resident.objects.bulk_create(batch)


def fill_referrals(target: int, seed: int) -> float:
    """Bulk-insert referrals with their events, spread over three years to now."""
    from django.utils import timezone

    from wayfinder.accounts.models import User
    from wayfinder.directory.models import Service
    from wayfinder.referrals.models import Referral, ReferralEvent, Status
    from wayfinder.residents.models import Resident

    existing = Referral.objects.count()
    if existing >= target:
        return 0.0
    rng = random.Random(seed + existing)
    actor = User.objects.get(email__startswith="staff@bluegrassfoodbank")
    specialist = User.objects.get(email__startswith="specialist@")
    services = list(Service.objects.filter(name__startswith="Service ").values_list("pk", "organization_id"))
    org_ids = sorted({org for _, org in services})
    resident_ids = list(Resident.objects.filter(first_name__startswith="Bench").values_list("pk", flat=True))
    now = timezone.now()
    started = time.perf_counter()
    referrals: list = []
    events: list = []
    reasons = ["unable_to_reach", "helped_elsewhere", "outside_service_area", "not_eligible", "no_capacity",
               "declined", "other"]  # fmt: skip
    for n in range(target - existing):
        service_id, receiving = rng.choice(services)
        sender = rng.choice(org_ids)
        created = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        age = (now - created).total_seconds()
        referral = Referral(
            id=uuid.uuid4(), resident_id=rng.choice(resident_ids), service_id=service_id,
            receiving_organization_id=receiving, sending_organization_id=sender, created_by=actor,
            created_at=created, status_changed_at=created, resident_search="bench",
        )  # fmt: skip
        events.append(ReferralEvent(referral=referral, kind="created", to_status=Status.NEW, actor=actor,
                                    actor_organization_id=sender, version=1, at=created))  # fmt: skip
        if rng.random() < 0.75:
            moved = created + timedelta(seconds=rng.randint(600, int(min(age, 20 * 86400)) + 601))
            if moved < now:
                referral.status = Status.IN_PROGRESS
                events.append(ReferralEvent(referral=referral, kind="status_changed", from_status=Status.NEW,
                                            to_status=Status.IN_PROGRESS, actor=actor, actor_organization_id=receiving,
                                            version=2, at=moved))  # fmt: skip
        if rng.random() < 0.85:
            closed = created + timedelta(seconds=rng.randint(3600, 60 * 86400))
            if closed < now and (referral.status != Status.IN_PROGRESS or closed > events[-1].at):
                by_specialist = rng.random() < 0.1
                provided = rng.random() < 0.5
                referral.status = Status.CLOSED
                referral.closed_at = closed
                referral.resource_provided = provided
                referral.not_provided_reason = "" if provided else rng.choice(reasons)
                events.append(ReferralEvent(
                    referral=referral, kind="closed", to_status=Status.CLOSED,
                    actor=specialist if by_specialist else actor,
                    actor_organization_id=None if by_specialist else receiving, version=3, at=closed,
                    data={"provided": provided, "by_specialist": by_specialist},
                ))  # fmt: skip
        referrals.append(referral)
        if len(referrals) == 20000 or n == target - existing - 1:
            Referral.objects.bulk_create(referrals, batch_size=5000)
            ReferralEvent.objects.bulk_create(events, batch_size=5000)
            referrals, events = [], []
    return time.perf_counter() - started


def fill_assessments(target: int, seed: int) -> tuple[float, str]:
    """Completed assessments as the assessments app stores them (``Assessment`` rows,
    bulk-inserted): the metrics job then reads them through
    ``metrics.sources.completed_assessments`` like any others. Each row carries a
    small QuestionnaireResponse and the scored domains (what metrics reads)."""
    from django.utils import timezone

    from wayfinder.accounts.models import User
    from wayfinder.assessments.loading import ensure_shipped
    from wayfinder.assessments.models import Assessment
    from wayfinder.directory.models import Organization
    from wayfinder.residents.models import Resident

    existing = Assessment.objects.count()
    if existing >= target:
        return 0.0, "assessments (Assessment rows)"
    questionnaire = ensure_shipped("needs")
    author, _created = User.objects.get_or_create(email="bench.assessor@example.org")
    rng = random.Random(seed * 3 + existing)
    org_ids = list(Organization.objects.filter(name__startswith="Bench org").values_list("pk", flat=True))
    resident_ids = list(Resident.objects.filter(first_name__startswith="Bench").values_list("pk", flat=True))
    now = timezone.now()
    started = time.perf_counter()
    batch = []
    for _ in range(target - existing):
        at = now - timedelta(minutes=rng.randint(0, 3 * 365 * 24 * 60))
        positive = set(rng.sample(CATEGORIES, rng.randint(0, 3)))
        organization = rng.choice(org_ids) if rng.random() < 0.8 else None
        resident = rng.choice(resident_ids)
        assessment_id = uuid.uuid4()
        batch.append(
            Assessment(
                id=assessment_id, questionnaire=questionnaire, resident_id=resident, completed_by=author,
                organization_id=organization, completed_at=at, submission_key=uuid.uuid4(),
                completion="resident" if organization is None else "staff",
                response={"resourceType": "QuestionnaireResponse", "id": str(assessment_id), "status": "completed",
                          "subject": {"reference": f"Patient/{resident}"}},
                results={"domains": [{"category": c, "status": "positive" if c in positive else "negative"}
                                     for c in CATEGORIES]},
                positive_domains=len(positive),
            )
        )  # fmt: skip
        if len(batch) == 20000:
            Assessment.objects.bulk_create(batch, batch_size=5000)
            batch = []
    Assessment.objects.bulk_create(batch, batch_size=5000)
    return time.perf_counter() - started, "assessments (Assessment rows)"


def tally_assessments() -> float:
    """Assessment facts inserted directly (by earlier versions of this benchmark, into a
    kept database) get their tallies the way the job adds them."""
    from collections import Counter

    from wayfinder.metrics.facts import assessment_contributions
    from wayfinder.metrics.models import AssessmentFact, DailyTally
    from wayfinder.metrics.refresh import apply

    if DailyTally.objects.filter(measure="assessments").exists():
        return 0.0
    started = time.perf_counter()
    last = None
    while True:
        queryset = AssessmentFact.objects.order_by("assessment_id")
        if last is not None:
            queryset = queryset.filter(assessment_id__gt=last)
        chunk = list(queryset[:20000])
        if not chunk:
            break
        counts: Counter = Counter()
        for fact in chunk:
            counts.update(assessment_contributions(fact))
        apply(counts)
        last = chunk[-1].assessment_id
    return time.perf_counter() - started


def staff_client(organization):
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.test import Client

    from wayfinder.accounts.models import Membership, User

    user, _ = User.objects.get_or_create(email=f"bench.{organization.pk.hex[:8]}@example.org")
    Membership.objects.get_or_create(user=user, organization=organization, defaults={"role": "staff"})
    if not Authenticator.objects.filter(user=user).exists():
        TOTP.activate(user, "JBSWY3DPEHPK3PXP")
    client = Client()
    sign_in(client, user)
    return client


def time_pages(client, urls: list[str], runs: int, seed: int) -> dict:
    rng = random.Random(seed)
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, (url, response.status_code)
    timings: list[float] = []
    by_url: dict[str, list[float]] = {url: [] for url in urls}
    for _ in range(runs):
        url = rng.choice(urls)
        started = time.perf_counter()
        response = client.get(url)
        elapsed = (time.perf_counter() - started) * 1000
        assert response.status_code == 200
        timings.append(elapsed)
        by_url[url].append(elapsed)
    return {
        "p50_ms": round(statistics.median(timings), 1),
        "p95_ms": round(percentile(timings, 95), 1),
        "max_ms": round(max(timings), 1),
        "by_url_p95_ms": {url: round(percentile(t, 95), 1) for url, t in by_url.items() if t},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--referrals", type=int, default=1_000_000)
    parser.add_argument("--assessments", type=int, default=1_000_000)
    parser.add_argument("--organizations", type=int, default=1000)
    parser.add_argument("--residents", type=int, default=100_000)
    parser.add_argument("--runs", type=int, default=200)
    parser.add_argument("--seed", type=int, default=18)
    args = parser.parse_args()
    configure(args)
    from django.db import connection
    from django.db.models import Count
    from django.utils import timezone

    from wayfinder.directory.models import Organization
    from wayfinder.metrics.incentives import store
    from wayfinder.metrics.models import AssessmentFact, IncentiveReport
    from wayfinder.metrics.refresh import refresh
    from wayfinder.referrals.models import Referral

    build_world(args.organizations, args.residents, args.seed)
    fill_seconds = fill_referrals(args.referrals, args.seed)
    assessment_seconds, assessment_source = fill_assessments(args.assessments, args.seed)
    print(f"filled: referrals {fill_seconds:.0f} s, assessments {assessment_seconds:.0f} s", flush=True)
    started = time.perf_counter()
    first_refresh = refresh()
    refresh_seconds = time.perf_counter() - started
    tally_seconds = tally_assessments()
    started = time.perf_counter()
    again = refresh()
    rerun_seconds = time.perf_counter() - started
    print(f"refresh from nothing {refresh_seconds:.0f} s ({first_refresh}); again {rerun_seconds:.2f} s", flush=True)

    busiest = (
        Referral.objects.values("receiving_organization").order_by().annotate(n=Count("id")).order_by("-n").first()
    )
    organization = Organization.objects.get(pk=busiest["receiving_organization"])
    partner = time_pages(
        staff_client(organization),
        ["/metrics/", "/metrics/?period=90d", "/metrics/?period=year", "/metrics/?period=all"],
        args.runs,
        args.seed,
    )
    from wayfinder.accounts.models import User

    reviewer = User.objects.get(email__startswith="reviewer@")
    from django.test import Client

    state_client = Client()
    sign_in(state_client, reviewer)
    statewide = time_pages(
        state_client,
        ["/metrics/statewide/", "/metrics/statewide/?period=90d", "/metrics/statewide/?period=year",
         "/metrics/statewide/?period=all"],
        args.runs,
        args.seed + 1,
    )  # fmt: skip
    print(f"partner p95 {partner['p95_ms']} ms, statewide p95 {statewide['p95_ms']} ms", flush=True)

    month = store.previous_month(timezone.localdate())
    IncentiveReport.objects.filter(month=month).exists()
    started = time.perf_counter()
    report = store.generate(month, correction_reason="benchmark run" if store.latest_version(month) else "")
    report_seconds = time.perf_counter() - started
    print(f"incentive report {month:%Y-%m}: {len(report.rows)} organizations, {report_seconds:.1f} s", flush=True)

    result = {
        "database": connection.vendor,
        "referrals": Referral.objects.count(),
        "assessments": AssessmentFact.objects.count(),
        "assessment_source": assessment_source,
        "organizations": args.organizations,
        "bulk_fill_seconds": round(fill_seconds, 1),
        "first_refresh_seconds": round(refresh_seconds + tally_seconds, 1),
        "rerun_refresh_seconds": round(rerun_seconds, 2),
        "rerun_changed": again.referrals,
        "partner_dashboard": {**partner, "organization_referrals": busiest["n"]},
        "statewide_page": statewide,
        "incentive_report": {
            "month": f"{month:%Y-%m}",
            "organizations_in_report": len(report.rows),
            "seconds": round(report_seconds, 1),
        },
        "targets": {"page_p95_ms": 200, "report_seconds": 60},
        "measured_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
        # The machine is shared: its load while the pages were timed, beside the figures.
        "load_average_1_5_15": [round(x, 2) for x in os.getloadavg()],
        "cpus": os.cpu_count(),
        "command": " ".join(["python", *sys.argv]),
    }
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    existing = json.loads(RESULTS.read_text()) if RESULTS.exists() else {}
    existing[f"{connection.vendor}-{args.referrals}"] = result
    RESULTS.write_text(json.dumps(existing, indent=2) + "\n")
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
