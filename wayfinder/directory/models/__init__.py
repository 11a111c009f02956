"""HSDS 3.0 directory models, one per HSDS object (see docs/formats/hsds-import.md)."""

from .availability import AvailabilityStatus, ServiceAvailability
from .base import BASE_FIELDS, Record, Source, hsds_fields
from .core import (
    Address,
    Location,
    LocationType,
    Organization,
    OrganizationIdentifier,
    Program,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)
from .details import (
    Accessibility,
    Contact,
    CostOption,
    Funding,
    Language,
    Phone,
    RequiredDocument,
    Schedule,
    ServiceArea,
    ServiceCapacity,
    Unit,
    Url,
)
from .feedback import ProblemReport
from .freshness import DidNotWork, ServiceVerification
from .taxonomy import Attribute, Metadata, MetaTableDescription, Taxonomy, TaxonomyTerm

__all__ = [
    "BASE_FIELDS",
    "Accessibility",
    "Address",
    "Attribute",
    "AvailabilityStatus",
    "Contact",
    "CostOption",
    "DidNotWork",
    "Funding",
    "Language",
    "Location",
    "LocationType",
    "MetaTableDescription",
    "Metadata",
    "Organization",
    "OrganizationIdentifier",
    "Phone",
    "ProblemReport",
    "Program",
    "Record",
    "RequiredDocument",
    "Schedule",
    "Service",
    "ServiceArea",
    "ServiceAtLocation",
    "ServiceAvailability",
    "ServiceCapacity",
    "ServiceStatus",
    "ServiceVerification",
    "Source",
    "Taxonomy",
    "TaxonomyTerm",
    "Unit",
    "Url",
    "hsds_fields",
]
