"""The demo loader gives the reviewer something to review; running it again adds nothing."""

import pytest

from wayfinder.demo.partners import load_demo_partners
from wayfinder.partners.models import SiteRequest

pytestmark = pytest.mark.django_db


def test_it_loads_requests_once(personas):
    load_demo_partners()
    load_demo_partners()
    kinds = sorted(SiteRequest.objects.values_list("kind", flat=True))
    assert kinds == ["claim", "new_organization"]
