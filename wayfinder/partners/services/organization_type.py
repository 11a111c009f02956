"""Setting what kind of organization a partner is (a United Way reviewer or a system
administrator): the kind decides which questionnaires its staff are offered (the
AHC HRSN only to hospitals and provider offices) and the Part 2 flag marks what its
staff record as covered by 42 CFR Part 2."""

from __future__ import annotations

from django.db import transaction

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from ..models import Partner


@transaction.atomic
def set_organization_type(partner: Partner, *, kind: str, part2_program: bool, actor) -> Partner:
    before = {"kind": partner.kind, "part2_program": partner.part2_program}
    Partner.objects.filter(pk=partner.pk).update(kind=kind, part2_program=part2_program)
    partner.kind, partner.part2_program = kind, part2_program
    log_action(
        actor,
        names.PARTNER_TYPE_CHANGED,
        partner.organization,
        purpose="configuration",
        data={"before": before, "after": {"kind": kind, "part2_program": part2_program}},
    )
    return partner
