"""What the sharing page tells the resident: who would be given their information
(docs/security.md, "Sharing with the health information exchange")."""

from __future__ import annotations

from ..fhir.scopes import allows
from ..models import ExchangeClient

# The types that carry a resident's data out (docs/exchange.md, "Outbound"; the CCD is
# read with DocumentReference scopes, docs/exchange.md "C-CDA").
OUTBOUND_TYPES = ("Patient", "QuestionnaireResponse", "Observation", "Condition", "DocumentReference")


def exchange_recipients() -> list[str]:
    """The participants of every active client allowed to read a resident's data, each
    once, in name order: the answer to "with whom" is the registered clients, not a
    sentence that could drift from them. A client registered only to send us data
    receives nothing and is not listed."""
    names: dict[str, None] = {}
    clients = ExchangeClient.objects.filter(active=True).select_related("organization")
    for client in clients.order_by("participant_name", "pk"):
        if any(allows(client.allowed_scope_set, kind, "read") for kind in OUTBOUND_TYPES):
            label = client.participant_name or client.name
            if client.organization is not None and client.organization.name not in label:
                label = f"{label} ({client.organization.name})"
            names.setdefault(label, None)
    return list(names)
