"""HSDS core objects: organization, program, service, location and the links between them."""

from __future__ import annotations

from django.db import models
from django.utils import timezone

from .base import Record, fk, number, text


class Organization(Record):
    name = models.CharField(max_length=500)
    alternate_name = text()
    description = models.TextField(blank=True)
    email = text()
    website = text()
    tax_status = text()
    tax_id = text()
    year_incorporated = number()
    legal_status = text()
    logo = text()
    uri = text()
    parent_organization = fk("self", "child_organizations")
    # Not HSDS: when the organization finished onboarding as a community partner. The
    # partners app's onboarding sets it; the directory only reads it (the "Partner"
    # badge), so the public directory needs nothing from the partners app.
    partner_since = models.DateTimeField(null=True, blank=True, editable=False)

    class Meta:
        indexes = [
            models.Index(fields=["name"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["partner_since"], name="directory_org_partner_idx"),
        ]

    @property
    def is_partner(self) -> bool:
        return self.partner_since is not None


class OrganizationIdentifier(Record):
    organization = fk("Organization", "organization_identifiers", required=True)
    identifier_scheme = text()
    identifier_type = models.TextField()
    identifier = models.TextField()


class Program(Record):
    organization = fk("Organization", "programs", required=True)
    name = models.TextField()
    alternate_name = text()
    description = models.TextField()


class ServiceStatus(models.TextChoices):
    ACTIVE = "active", "Active"
    INACTIVE = "inactive", "Inactive"
    DEFUNCT = "defunct", "Defunct"
    TEMPORARILY_CLOSED = "temporarily closed", "Temporarily closed"


class Service(Record):
    organization = fk("Organization", "services", required=True)
    program = fk("Program", "services")
    name = models.CharField(max_length=500)
    alternate_name = text()
    description = text()
    url = text()
    email = text()
    status = models.CharField(max_length=20, choices=ServiceStatus.choices, default=ServiceStatus.ACTIVE)
    interpretation_services = text()
    application_process = text()
    fees_description = text()
    wait_time = text()
    fees = text()
    accreditations = text()
    eligibility_description = text()
    minimum_age = number()
    maximum_age = number()
    assured_date = models.DateField(null=True, blank=True)
    assurer_email = text()
    licenses = text()
    alert = text()
    last_modified = models.DateTimeField(null=True, blank=True)
    # Wayfinder SDoH category slugs (categories.py), derived from taxonomy terms on import.
    categories = models.JSONField(default=list, blank=True)

    def save(self, *args, **kwargs) -> None:
        """An edit made in Wayfinder (a partner, a reviewer, the admin) is the record's latest change:
        HSDS ``last_modified`` says so (the importer writes in bulk, with the feed's own value)."""
        self.last_modified = timezone.now()
        if kwargs.get("update_fields") is not None:
            kwargs["update_fields"] = {*kwargs["update_fields"], "last_modified"}
        super().save(*args, **kwargs)

    class Meta:
        indexes = [
            models.Index(fields=["status", "name"]),
            models.Index(fields=["updated_at"]),
            models.Index(fields=["name"]),
        ]


class LocationType(models.TextChoices):
    PHYSICAL = "physical", "Physical"
    POSTAL = "postal", "Postal"
    VIRTUAL = "virtual", "Virtual"


class Location(Record):
    location_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)
    url = text()
    organization = fk("Organization", "locations")
    name = text()
    alternate_name = text()
    description = text()
    transportation = text()
    latitude = number()
    longitude = number()
    external_identifier = text()
    external_identifier_type = text()

    class Meta:
        indexes = [models.Index(fields=["latitude", "longitude"])]


class ServiceAtLocation(Record):
    service = fk("Service", "service_at_locations", required=True)
    location = fk("Location", "service_at_locations", required=True)
    description = text()

    class Meta:
        indexes = [models.Index(fields=["updated_at"])]


class Address(Record):
    location = fk("Location", "addresses")
    attention = text()
    address_1 = models.TextField()
    address_2 = text()
    city = models.TextField()
    region = text()
    state_province = models.TextField()
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=10)
    address_type = models.CharField(max_length=10, choices=LocationType.choices, default=LocationType.PHYSICAL)

    class Meta:
        verbose_name_plural = "addresses"
        indexes = [models.Index(fields=["postal_code"])]
