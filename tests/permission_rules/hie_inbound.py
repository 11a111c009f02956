"""The exchange's match queue (docs/exchange.md, "Patient matching"): system
administrators only. A POST for an item that does not exist is sent back to the queue
with the error (302) after the access check."""

from __future__ import annotations

from tests.permission_table import Rule, only

RULES = [
    Rule("hie_inbound:queue", "/hie/match-queue/", only(("system_admin",))),
    Rule("hie_inbound:queue", "/hie/match-queue/", only(("system_admin",), 405), method="POST"),
    Rule(
        "hie_inbound:decide",
        "/hie/match-queue/999999/",
        only(("system_admin",), 302),
        method="POST",
        data={"action": "link", "resident": ""},
    ),
    Rule("hie_inbound:decide", "/hie/match-queue/999999/", only(("system_admin",), 405)),
]
