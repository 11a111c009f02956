"""Fixtures for the C-CDA tests: the resident persona the FHIR outbound tests use."""

from wayfinder.integrations.hie.tests.test_outbound import amy  # noqa: F401
