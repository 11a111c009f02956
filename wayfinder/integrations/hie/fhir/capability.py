"""/fhir/metadata and /fhir/.well-known/smart-configuration, built from the registry:
they state exactly what is registered (docs/exchange.md, "What the server supports")."""

from __future__ import annotations

from typing import Any

from django.conf import settings

from .registry import all_handlers

SMART_OAUTH_URIS = "http://fhir-registry.smarthealthit.org/StructureDefinition/oauth-uris"


def capability_statement(base_url: str) -> dict[str, Any]:
    resources = []
    for handler in all_handlers():
        entry: dict[str, Any] = {"type": handler.type}
        if handler.profiles:
            entry["supportedProfile"] = list(handler.profiles)
        if handler.documentation:
            entry["documentation"] = handler.documentation
        entry["interaction"] = [{"code": code} for code in handler.interactions()]
        if handler.update is not None:
            entry["versioning"] = "versioned"
            entry["conditionalUpdate"] = False
        if handler.delete is not None:
            entry["conditionalDelete"] = "not-supported"
        if handler.search is not None:
            entry["searchParam"] = [
                {"name": "_lastUpdated", "type": "date"},
                *(
                    {"name": p.name, "type": p.type, **({"documentation": p.documentation} if p.documentation else {})}
                    for p in handler.search_params
                ),
            ]
        resources.append(entry)
    return {
        "resourceType": "CapabilityStatement",
        "status": "active",
        "date": "2026-12-02",
        "kind": "instance",
        "software": {"name": "Wayfinder"},
        "implementation": {"description": "Wayfinder FHIR server", "url": base_url},
        "fhirVersion": "4.0.1",
        "format": ["application/fhir+json", "json"],
        "rest": [
            {
                "mode": "server",
                "security": {
                    "service": [
                        {
                            "coding": [
                                {
                                    "system": "http://terminology.hl7.org/CodeSystem/restful-security-service",
                                    "code": "SMART-on-FHIR",
                                }
                            ]
                        }
                    ],
                    "extension": [
                        {"url": SMART_OAUTH_URIS, "extension": [{"url": "token", "valueUri": f"{base_url}/auth/token"}]}
                    ],
                    "description": "SMART Backend Services: client_credentials with a private_key_jwt assertion.",
                },
                "resource": resources,
                "interaction": [{"code": "transaction"}, {"code": "batch"}],
            }
        ],
    }


def smart_configuration(base_url: str) -> dict[str, Any]:
    return {
        "token_endpoint": f"{base_url}/auth/token",
        "token_endpoint_auth_methods_supported": ["private_key_jwt"],
        "token_endpoint_auth_signing_alg_values_supported": ["RS384", "ES384"],
        "grant_types_supported": ["client_credentials"],
        "scopes_supported": sorted({f"system/{h.type}.{a}" for h in all_handlers() for a in _accesses(h)}),
        "capabilities": ["client-confidential-asymmetric", "permission-v1", "permission-v2"],
        "issuer": settings.SITE_URL,
    }


def _accesses(handler: Any) -> list[str]:
    found = []
    if handler.read or handler.search:
        found += ["read", "rs"]
    if handler.create or handler.update or handler.delete:
        found += ["write", "c" * bool(handler.create) + "u" * bool(handler.update) + "d" * bool(handler.delete)]
    return found
