"""Partner edits of their own directory records.

Every field a partner changes is added to the record's ``partner_owned_fields``
(the 2-1-1 importer then keeps the partner's value), the record is marked as
partner-sourced and verified today, and a ``RecordChange`` row keeps the before
and after values for reviewers (the audit log has the same event).
"""

from __future__ import annotations

import datetime
import decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from wayfinder.audit import names
from wayfinder.audit.log import log_action

from ..models import RecordChange


def _plain(value: Any) -> Any:
    if isinstance(value, datetime.date | datetime.datetime):
        return value.isoformat()
    if isinstance(value, decimal.Decimal):
        return float(value)
    return value


def _hsds_name(record, attname: str) -> str:
    renames = {v: k for k, v in getattr(record, "HSDS_RENAMES", {}).items()}
    return renames.get(attname, attname)


# (created, edited) audit action per directory record a partner edits.
_PARTNER_EDIT_ACTIONS = {
    "organization": (
        names.DIRECTORY_ORGANIZATION_CREATED_BY_PARTNER,
        names.DIRECTORY_ORGANIZATION_EDITED_BY_PARTNER,
    ),
    "location": (names.DIRECTORY_LOCATION_CREATED_BY_PARTNER, names.DIRECTORY_LOCATION_EDITED_BY_PARTNER),
    "address": (names.DIRECTORY_ADDRESS_CREATED_BY_PARTNER, names.DIRECTORY_ADDRESS_EDITED_BY_PARTNER),
    "phone": (names.DIRECTORY_PHONE_CREATED_BY_PARTNER, names.DIRECTORY_PHONE_EDITED_BY_PARTNER),
    "service": (names.DIRECTORY_SERVICE_CREATED_BY_PARTNER, names.DIRECTORY_SERVICE_EDITED_BY_PARTNER),
}


def apply_partner_edit(record, values: dict[str, Any], *, organization, user, label: str = "") -> dict[str, list]:
    """Set ``values`` on ``record`` (new or existing); returns {field: [before, after]}
    for the fields that changed. Runs inside the caller's transaction."""
    from wayfinder.directory.models import Source

    is_new = record._state.adding
    changes: dict[str, list] = {}
    for attname, value in values.items():
        before = None if is_new else getattr(record, attname)
        if is_new or before != value:
            if is_new and value in ("", None):
                setattr(record, attname, value)
                continue
            changes[_hsds_name(record, attname)] = [_plain(before), _plain(value)]
            setattr(record, attname, value)
    if not changes and not is_new:
        return {}
    record.partner_owned_fields = sorted(set(record.partner_owned_fields or []) | set(changes))
    record.source = Source.PARTNER
    record.last_verified = timezone.localdate()
    record.save()
    record_type = record._meta.model_name
    RecordChange.objects.create(
        organization=organization,
        record_type=record_type,
        record_id=record.pk,
        record_label=(label or str(record))[:500],
        changed_by=user,
        changes=changes,
    )
    log_action(
        user,
        _PARTNER_EDIT_ACTIONS[record_type][0 if is_new else 1],
        record,
        organization=organization,
        data={"changes": changes},
    )
    return changes


def queue_search_update(service_ids) -> None:
    """Tell search which services changed (one queued batch, after commit)."""
    try:
        from wayfinder.directory.search_hooks import after_import, service_changed
    except ImportError:  # search not installed in this deployment
        return
    ids = list(service_ids)
    if len(ids) == 1:
        service_changed(ids[0])
    elif ids:
        after_import(ids)


@transaction.atomic
def edit_organization(organization, values: dict, user) -> dict:
    changes = apply_partner_edit(organization, values, organization=organization, user=user)
    if changes:
        queue_search_update(organization.services.values_list("id", flat=True))
    return changes


@transaction.atomic
def save_location(organization, location, values: dict, address_values: dict, phone: str, user) -> dict:
    """Create or edit a location with its (first) address and phone."""
    from wayfinder.directory.models import Address, Phone

    location.organization = organization
    changes = apply_partner_edit(location, values, organization=organization, user=user)
    address = location.addresses.first() or Address(location=location, country="US")
    label = f"{location.name or organization.name}: address"
    changes.update(apply_partner_edit(address, address_values, organization=organization, user=user, label=label))
    existing_phone = location.phones.first()
    if phone or existing_phone:
        record = existing_phone or Phone(location=location)
        label = f"{location.name or organization.name}: phone"
        changes.update(apply_partner_edit(record, {"number": phone}, organization=organization, user=user, label=label))
    if changes:
        queue_search_update(location.service_at_locations.values_list("service_id", flat=True))
    return changes


@transaction.atomic
def save_service(organization, service, values: dict, locations, user, categories: list[str] | None = None) -> dict:
    """Create or edit a service, the locations where it is offered and the categories it is
    filed under (``categories`` None leaves them as they are)."""
    from wayfinder.directory.models import ServiceAtLocation, Source

    from .service_categories import set_categories

    service.organization = organization
    changes = apply_partner_edit(service, values, organization=organization, user=user)
    wanted = {location.pk for location in locations}
    current = set(service.service_at_locations.values_list("location_id", flat=True))
    if wanted != current:
        service.service_at_locations.exclude(location_id__in=wanted).delete()
        for location_id in wanted - current:
            ServiceAtLocation.objects.create(service=service, location_id=location_id, source=Source.PARTNER)
        before = sorted(str(pk) for pk in current)
        after = sorted(str(pk) for pk in wanted)
        _record_list_change(organization, service, user, "locations", before, after)
        changes["locations"] = [before, after]
    if categories is not None:
        before, after = set_categories(service, categories)
        if before != after:
            _record_list_change(organization, service, user, "categories", before, after)
            changes["categories"] = [before, after]
    if changes:
        queue_search_update([service.pk])
    return changes


LIST_EDITED = {
    "locations": names.DIRECTORY_SERVICE_LOCATIONS_EDITED_BY_PARTNER,
    "categories": names.DIRECTORY_SERVICE_CATEGORIES_EDITED_BY_PARTNER,
}


def _record_list_change(organization, service, user, what: str, before: list, after: list) -> None:
    """A change to one of the service's lists (locations, categories), for reviewers and the audit log."""
    RecordChange.objects.create(
        organization=organization,
        record_type="service",
        record_id=service.pk,
        record_label=f"{service.name}: {what}",
        changed_by=user,
        changes={what: [before, after]},
    )
    log_action(
        user,
        LIST_EDITED[what],
        service,
        organization=organization,
        data={"before": before, "after": after},
    )
