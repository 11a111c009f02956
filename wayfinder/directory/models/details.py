"""HSDS detail objects hanging off services, locations and organizations."""

from __future__ import annotations

from django.db import models

from .base import Record, fk, text
from .base import number as num


class Phone(Record):
    location = fk("Location", "phones")
    service = fk("Service", "phones")
    organization = fk("Organization", "phones")
    contact = fk("Contact", "phones")
    service_at_location = fk("ServiceAtLocation", "phones")
    number = models.TextField()
    extension = num()
    type = text()
    description = text()


class Contact(Record):
    organization = fk("Organization", "contacts")
    service = fk("Service", "contacts")
    service_at_location = fk("ServiceAtLocation", "contacts")
    location = fk("Location", "contacts")
    name = text()
    title = text()
    department = text()
    email = text()


class Schedule(Record):
    service = fk("Service", "schedules")
    location = fk("Location", "schedules")
    service_at_location = fk("ServiceAtLocation", "schedules")
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    dtstart = models.DateField(null=True, blank=True)
    timezone = num()
    until = models.DateField(null=True, blank=True)
    count = num()
    wkst = models.CharField(max_length=2, blank=True, default="")
    freq = models.CharField(max_length=7, blank=True, default="")
    interval = num()
    byday = text()
    byweekno = text()
    bymonthday = text()
    byyearday = text()
    description = text()
    opens_at = models.CharField(max_length=20, blank=True, default="")
    closes_at = models.CharField(max_length=20, blank=True, default="")
    schedule_link = text()
    attending_type = text()
    notes = text()


class ServiceArea(Record):
    service = fk("Service", "service_areas")
    name = text()
    description = text()
    extent = text()
    extent_type = text()
    uri = text()


class Language(Record):
    service = fk("Service", "languages")
    location = fk("Location", "languages")
    phone = fk("Phone", "languages")
    name = text()
    code = models.CharField(max_length=16, blank=True, default="")
    note = text()

    class Meta:
        indexes = [models.Index(fields=["code"])]


class Accessibility(Record):
    location = fk("Location", "accessibility")
    description = text()
    details = text()
    url = text()

    class Meta:
        verbose_name_plural = "accessibility"


class CostOption(Record):
    service = fk("Service", "cost_options", required=True)
    valid_from = models.DateField(null=True, blank=True)
    valid_to = models.DateField(null=True, blank=True)
    option = text()
    currency = models.CharField(max_length=3, blank=True, default="")
    amount = num()
    amount_description = text()


class RequiredDocument(Record):
    service = fk("Service", "required_documents")
    document = text()
    uri = text()


class Funding(Record):
    organization = fk("Organization", "funding")
    service = fk("Service", "funding")
    source_text = text()

    # "source" is our provenance field on every record; HSDS funding.source lives in source_text.
    HSDS_RENAMES = {"source": "source_text"}

    class Meta:
        verbose_name_plural = "funding"


class Url(Record):
    """HSDS 3.1 ``url``: extra websites of an organization or service (kept for forward compatibility)."""

    label = text()
    url = models.TextField()
    organization = fk("Organization", "urls")
    service = fk("Service", "urls")


class Unit(Record):
    """HSDS 3.1 ``unit``: what a service capacity is counted in (beds, hours, kilograms)."""

    name = models.TextField()
    scheme = text()
    identifier = text()
    uri = text()


class ServiceCapacity(Record):
    """HSDS 3.1 ``service_capacity``: how many units of a service are available (shelter beds tonight)."""

    service = fk("Service", "capacities", required=True)
    unit = fk("Unit", "capacities", required=True)
    available = models.FloatField()
    maximum = num()
    description = text()
    updated = models.DateTimeField()

    class Meta:
        verbose_name_plural = "service capacities"
