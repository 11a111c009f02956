"""SDoH needs on the resident record: the one way they are written.

``record_need`` is used by every source (assessments here; health information
exchange and Medicaid claims from the exchange integration): it opens the need for
the domain, or confirms the open one, and appends the source. ``mark_need`` closes
a need as met or no longer a need. Both are atomic and audited.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.residents.models import NeedSource, Resident, SdohNeed

from .domains import SDOHCC_CODES, category_for_sdohcc, is_category

Kind = SdohNeed.SourceKind


class NeedError(ValueError):
    pass


@dataclass
class Recorded:
    need: SdohNeed
    source: NeedSource
    opened: bool  # a new need (else an open one was confirmed)


def _domain(domain: str | None, codes: list[str]) -> str:
    if domain:
        if not is_category(domain):
            raise NeedError(f"{domain!r} is not a Wayfinder category")
        return domain
    for code in codes:
        category = category_for_sdohcc(code)
        if category:
            return category
    raise NeedError("a need needs a category, or an SDOH Clinical Care code that names one")


def _open_need(resident: Resident, domain: str, held: dict | None = None) -> SdohNeed | None:
    # SQLite serialises writers (IMMEDIATE transactions); on PostgreSQL the row lock
    # keeps two sources of the same domain from summarising over each other.
    if held is not None and (resident.pk, domain) in held:
        return held[(resident.pk, domain)]
    need = SdohNeed.objects.select_for_update().filter(resident=resident, domain=domain, status="open").first()
    if held is not None and need is not None:
        held[(resident.pk, domain)] = need
    return need


def _summary(need: SdohNeed) -> dict:
    """The fields a new source can change on an open need."""
    return {name: getattr(need, name) for name in ("sdohcc_codes", "part2", "source", "source_detail", "observed_at")}


def record_need(
    resident: Resident,
    *,
    kind: str,
    observed_at: dt.datetime,
    domain: str | None = None,
    sdohcc_codes: Iterable[str] = (),
    detail: str = "",
    reference: str = "",
    questionnaire_url: str = "",
    questionnaire_version: str = "",
    actor=None,
    organization=None,
    evidence: Iterable[dict] = (),
    part2: bool = False,
    legal_basis: str = "",
    audit: bool = True,
    held: dict[tuple[int, str], SdohNeed] | None = None,
) -> Recorded:
    """Open (or confirm) the resident's need in ``domain`` and add this source.

    ``domain`` is a Wayfinder category; without it the first SDOHCC code that names
    one decides (an HIE Condition coded ``food-insecurity`` files under food).
    ``audit=False`` is for a caller that writes one audit entry for the whole act
    (an assessment lists every need it recorded in its own entry). ``held`` is for
    a caller recording many sources in one transaction (a 100-entry FHIR bundle):
    the open needs this transaction already locked, by (resident id, domain), read
    and filled here so each need is looked up and locked once, not per source (and
    no savepoint of its own: see below). The need is written only when a field changes."""
    codes = sorted({str(c) for c in sdohcc_codes})
    unknown = [c for c in codes if c not in SDOHCC_CODES]
    if unknown:
        raise NeedError(f"not SDOH Clinical Care category codes: {', '.join(unknown)}")
    if kind not in Kind.values:
        raise NeedError(f"unknown source kind {kind!r}")
    domain = _domain(domain, codes)
    now = timezone.now()
    # With ``held`` the caller's transaction is abandoned as a whole on any failure (a
    # FHIR transaction, a batch entry's savepoint): a savepoint of its own here would
    # only add two round trips per source.
    with transaction.atomic(savepoint=held is None):
        need = _open_need(resident, domain, held)
        opened = need is None
        if opened:
            try:
                with transaction.atomic():
                    need = SdohNeed.objects.create(
                        resident=resident,
                        domain=domain,
                        sdohcc_codes=codes,
                        source=kind,
                        source_detail=detail[:200],
                        observed_at=observed_at,
                        recorded_at=now,
                        status_changed_at=now,
                        part2=part2,
                    )
            except IntegrityError:  # another source opened it a moment ago
                need, opened = _open_need(resident, domain), False
            if held is not None and need is not None:
                held[(resident.pk, domain)] = need
        source = NeedSource.objects.create(
            need=need,
            kind=kind,
            detail=detail[:200],
            reference=reference[:200],
            questionnaire_url=questionnaire_url[:500],
            questionnaire_version=questionnaire_version[:64],
            recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
            organization=organization,
            observed_at=observed_at,
            recorded_at=now,
            sdohcc_codes=codes,
            evidence=list(evidence),
            part2=part2,
        )
        if not opened:
            before = _summary(need)
            need.sdohcc_codes = sorted(set(need.sdohcc_codes) | set(codes))
            need.part2 = need.part2 and part2
            if observed_at >= need.observed_at:
                need.source, need.source_detail, need.observed_at = kind, detail[:200], observed_at
            changed = [name for name, value in _summary(need).items() if before[name] != value]
            if changed:
                need.save(update_fields=changed)
        if audit:
            log_action(
                actor,
                names.NEED_OPENED if opened else names.NEED_CONFIRMED,
                need,
                resident=resident,
                organization=organization,
                legal_basis=legal_basis,
                purpose="sdoh_needs",
                data={"domain": domain, "source": kind, "reference": reference, "part2": part2},
            )
    return Recorded(need, source, opened)


def mark_need(need: SdohNeed, *, status: str, actor, organization=None, legal_basis: str = "") -> SdohNeed:
    """Close an open need as met or no longer a need. A conditional UPDATE is the
    lock: of two people closing it at once, the second is told it changed."""
    if status not in (SdohNeed.Status.MET, SdohNeed.Status.RESOLVED):
        raise NeedError(_("Choose “met” or “no longer a need”."))
    now = timezone.now()
    with transaction.atomic():
        updated = SdohNeed.objects.filter(pk=need.pk, status=SdohNeed.Status.OPEN).update(
            status=status, status_changed_at=now, status_changed_by=actor, status_organization=organization
        )
        if not updated:
            raise NeedError(_("This need was already closed."))
        log_action(
            actor,
            names.NEED_STATUS_CHANGED,
            need,
            resident=need.resident_id,
            organization=organization,
            legal_basis=legal_basis,
            purpose="sdoh_needs",
            data={"domain": need.domain, "status": status},
        )
    need.refresh_from_db()
    return need
