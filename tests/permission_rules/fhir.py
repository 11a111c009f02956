"""The FHIR server for the health information exchange (docs/exchange.md). A browser
session gives no access: every role is the same anonymous caller without a bearer
token. The metadata and SMART configuration are public; the token endpoint refuses
a request without a client assertion (400, OAuth error); every other interaction is
a 401 OperationOutcome. With tokens, wayfinder/integrations/hie/tests/ walk them."""

from __future__ import annotations

from tests.permission_table import Rule, everyone

RULES = [
    Rule("fhir:metadata", "/fhir/metadata", everyone(200)),
    Rule("fhir:smart_configuration", "/fhir/.well-known/smart-configuration", everyone(200)),
    Rule("fhir:token", "/fhir/auth/token", everyone(400), method="POST"),
    Rule("fhir:root", "/fhir/", everyone(401), method="POST"),
    Rule("fhir:type", "/fhir/Patient", everyone(401)),
    Rule("fhir:type", "/fhir/Patient", everyone(401), method="POST"),
    Rule("fhir:instance", "/fhir/Patient/1", everyone(401)),
    Rule("fhir:instance", "/fhir/Patient/1", everyone(401), method="PUT"),
    # Subscriptions: search, read and delete a client's own (bearer only, like the rest).
    Rule("fhir:type", "/fhir/Subscription?status=active", everyone(401)),
    Rule("fhir:instance", "/fhir/Subscription/00000000-0000-0000-0000-000000000000", everyone(401)),
    Rule("fhir:instance", "/fhir/Subscription/00000000-0000-0000-0000-000000000000", everyone(401), method="DELETE"),
    # The summary CCD (docs/exchange.md, "C-CDA"): bearer only, like /fhir/.
    Rule("hie:ccda", "/hie/ccda/00000000-0000-0000-0000-000000000000", everyone(401)),
]
