"""Outbound SDoH for the exchange (issue #19 item 3, docs/exchange.md "Outbound")."""

from __future__ import annotations


def register_handlers() -> None:
    """Register the outbound resource handlers (called from HieConfig.ready())."""
    from ..fhir.registry import register
    from . import assessments, condition, patient

    register(patient.HANDLER)
    register(condition.HANDLER)
    register(assessments.RESPONSE_HANDLER)
    register(assessments.OBSERVATION_HANDLER)
