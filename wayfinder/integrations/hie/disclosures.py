"""Disclosures to the exchange, in the audit log (docs/security.md, "Sharing with the
health information exchange").

Every answer that gives a client a resident's data writes one ``hie.disclosed`` entry
with the resident's id, so it is in the resident's accounting of disclosures (the
system administrator's export of every audit entry about the resident,
``residents.selectors.audit_entries_about``): who received it (the client and the
participant it speaks for), which resources, and why.
"""

from __future__ import annotations

from wayfinder.audit import names
from wayfinder.audit.log import log_action
from wayfinder.audit.models import AuditEvent
from wayfinder.residents.models import Resident

from .fhir.auth import ClientGrant
from .sharing import part2_allowed


def record_disclosure(grant: ClientGrant, resident: Resident, resources: list[str], purpose: str) -> AuditEvent:
    """Audit that ``resources`` (e.g. ``["Observation/abc"]``) about ``resident`` went to the client."""
    client = grant.client
    basis = f"exchange:{client.client_id}"
    if part2_allowed(resident, grant):
        basis += "+part2-consent"
    return log_action(
        None,
        names.HIE_DISCLOSED,
        client,
        resident=resident,
        purpose=purpose,
        legal_basis=basis,
        actor_label=f"exchange client {client.client_id} ({client.participant_name})",
        data={
            "client_id": client.client_id,
            "participant": client.participant_name,
            "organization_id": str(client.organization_id or ""),
            "resources": resources[:500],
            "count": len(resources),
        },
    )
