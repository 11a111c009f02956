"""From records to facts, and from facts to tally contributions.

A fact is a pure function of the records (``fact_from_record``); a fact's
contributions to the tallies are a pure function of the fact
(``referral_contributions``). The job adds the contributions of a new fact and
subtracts those of the fact it replaces, so re-reading a referral that did not
change adds nothing, and the tallies always equal what a rebuild from the records
would give (tests/test_refresh).
"""

from __future__ import annotations

from collections import Counter
from datetime import date

from .definitions import (
    SELF_REFERRAL,
    UNKNOWN,
    WITHDRAWN,
    closer_kind,
    local_day,
    outcome_of,
    referral_category,
    whole_days,
)
from .models import STATE_SCOPE, AssessmentFact, Closer, ReferralFact
from .sources import CompletedAssessment, ReferralRecord

# The breakdowns of the statewide page: created, closed and provided per value.
BREAKDOWNS = ("category", "county", "language", "receiving_kind")

Key = tuple[str, date, str, str, str]  # scope, day, measure, dimension, value


def fact_from_record(record: ReferralRecord, kinds: dict[str, str], previous: ReferralFact | None) -> ReferralFact:
    """The fact of one referral. Organization types, county and language are
    taken the first time the referral is seen and kept (``previous``)."""
    receiving = str(record.receiving_org_id)
    sending = str(record.sending_org_id) if record.sending_org_id else None
    fact = ReferralFact(
        referral_id=record.id,
        resident_id=record.resident_id,
        receiving_org_id=record.receiving_org_id,
        sending_org_id=record.sending_org_id,
        receiving_kind=previous.receiving_kind if previous else kinds.get(receiving, UNKNOWN),
        sending_kind=previous.sending_kind if previous else (kinds.get(sending, UNKNOWN) if sending else SELF_REFERRAL),
        category=previous.category if previous else referral_category(record.service_categories),
        county=previous.county if previous else (record.county.strip().title() or UNKNOWN),
        language=previous.language if previous else (record.language or UNKNOWN),
        created_at=record.created_at,
        created_day=local_day(record.created_at),
        first_action_at=record.first_in_progress_at,
        status_moves=record.status_moves,
        notes=record.notes,
    )
    if record.closed_at is not None:
        fact.closed_at = record.closed_at
        fact.closed_day = local_day(record.closed_at)
        fact.closed_by_id = record.closed_by_id
        if record.close_withdrawn:
            fact.provided, fact.reason = None, WITHDRAWN
        else:
            fact.provided = bool(record.provided)
            fact.reason = "" if record.provided else (record.reason or "other")
        fact.closer = closer_kind(
            by_specialist=record.close_by_specialist,
            actor_organization_id=record.close_actor_org_id,
            receiving_organization_id=record.receiving_org_id,
            via=record.close_via,
            withdrawn=record.close_withdrawn,
        )
    return fact


def same_fact(a: ReferralFact, b: ReferralFact) -> bool:
    return fact_values(a) == fact_values(b)


def fact_values(fact: ReferralFact) -> tuple:
    return tuple(getattr(fact, field.attname) for field in ReferralFact._meta.concrete_fields)


def referral_contributions(fact: ReferralFact) -> list[Key]:
    """The tally rows one referral adds 1 to (docs/metrics.md, "Tally measures")."""
    state = STATE_SCOPE
    receiving = str(fact.receiving_org_id)
    sending = str(fact.sending_org_id) if fact.sending_org_id else None
    created = fact.created_day
    keys: list[Key] = [
        (state, created, "created", "", ""),
        (state, created, "created", "sending_kind", fact.sending_kind),
        (receiving, created, "received", "", ""),
    ]
    keys += [(state, created, "created", dim, getattr(fact, dim)) for dim in BREAKDOWNS]
    if sending:
        keys.append((sending, created, "sent", "", ""))
    if fact.first_action_at is not None:
        first_day = local_day(fact.first_action_at)
        days = str(whole_days(fact.created_at, fact.first_action_at))
        keys += [
            (state, first_day, "first_action_days", "days", days),
            (receiving, first_day, "first_action_days", "days", days),
        ]
    if fact.closed_at is not None:
        closed = fact.closed_day
        outcome = outcome_of(fact.provided, fact.reason)
        days = str(whole_days(fact.created_at, fact.closed_at))
        keys += [
            (state, created, "cohort_closed", "", ""),
            (receiving, created, "cohort_closed", "", ""),
            (state, closed, "closed", "", ""),
            (state, closed, "closed", "outcome", outcome),
            (state, closed, "closed", "closer", fact.closer),
            (state, closed, "close_days", "days", days),
            (receiving, closed, "closed", "", ""),
            (receiving, closed, "closed", "outcome", outcome),
            (receiving, closed, "closed", "closer", fact.closer),
            (receiving, closed, "close_days", "days", days),
        ]
        keys += [(state, closed, "closed", dim, getattr(fact, dim)) for dim in BREAKDOWNS]
        if fact.provided:
            keys += [(state, closed, "provided", dim, getattr(fact, dim)) for dim in BREAKDOWNS]
        elif outcome == WITHDRAWN:
            keys += [(state, closed, "withdrawn", dim, getattr(fact, dim)) for dim in BREAKDOWNS]
        if fact.closer == Closer.RECEIVING_ORGANIZATION:
            keys.append((receiving, closed, "closed_as_receiver", "", ""))
        if sending:
            keys += [
                (sending, created, "sent_cohort_closed", "", ""),
                (sending, closed, "sent_closed", "outcome", outcome),
            ]
    return keys


def assessment_fact(item: CompletedAssessment) -> AssessmentFact:
    return AssessmentFact(
        assessment_id=item.id,
        resident_id=item.resident_id,
        organization_id=item.organization_id,
        completed_at=item.completed_at,
        completed_day=local_day(item.completed_at),
        positive_categories=list(item.positive_categories),
    )


def assessment_contributions(fact: AssessmentFact) -> list[Key]:
    day = fact.completed_day
    scopes = [STATE_SCOPE] + ([str(fact.organization_id)] if fact.organization_id else [])
    keys: list[Key] = []
    for scope in scopes:
        keys.append((scope, day, "assessments", "", ""))
        keys += [(scope, day, "assessment_positive", "category", c) for c in fact.positive_categories]
    return keys


def deltas(added: list[ReferralFact | AssessmentFact], removed: list[ReferralFact]) -> Counter:
    counts: Counter = Counter()
    for fact in added:
        keys = referral_contributions(fact) if isinstance(fact, ReferralFact) else assessment_contributions(fact)
        counts.update(keys)
    for fact in removed:
        counts.subtract(referral_contributions(fact))
    return Counter({key: value for key, value in counts.items() if value})
