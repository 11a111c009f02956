""" "Who viewed my record" shows visits, not every single read (issue #14, item 10)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from wayfinder.demo.residents import AMY_RESIDENT_ID
from wayfinder.residents.access_log import group_visits

T0 = datetime(2026, 3, 2, 10, 0, tzinfo=UTC)


def test_reads_close_together_by_one_person_are_one_visit():
    reads = [  # newest first, as the audit log is read
        (7, "org-a", "referral", T0 + timedelta(minutes=20)),
        (7, "org-a", "referral", T0 + timedelta(minutes=5)),
        (7, "org-a", "referral", T0),
        (8, "org-b", "none", T0 - timedelta(minutes=1)),  # someone else
        (7, "org-a", "referral", T0 - timedelta(minutes=2)),  # same person again, after another's read
        (7, "org-a", "referral", T0 - timedelta(hours=2)),  # hours earlier: another visit
        (7, "org-a", "consent:12", T0 - timedelta(hours=2, minutes=1)),  # another basis
    ]
    visits = group_visits(reads)
    assert [(v.actor_id, v.reads, v.first, v.last) for v in visits] == [
        (7, 3, T0, T0 + timedelta(minutes=20)),
        (8, 1, T0 - timedelta(minutes=1), T0 - timedelta(minutes=1)),
        (7, 1, T0 - timedelta(minutes=2), T0 - timedelta(minutes=2)),
        (7, 1, T0 - timedelta(hours=2), T0 - timedelta(hours=2)),
        (7, 1, T0 - timedelta(hours=2, minutes=1), T0 - timedelta(hours=2, minutes=1)),
    ]


@pytest.mark.django_db
def test_making_a_referral_is_one_row_for_the_resident(client, personas):
    from wayfinder.referrals.tests.conftest import make_service, org

    service = make_service(org("family_center"), "Free infant formula")
    staff = personas["food_bank_staff"]
    client.force_login(staff)
    base = f"/referrals/new/{AMY_RESIDENT_ID}/"
    for url in (f"/clients/{AMY_RESIDENT_ID}/", base, f"{base}?q=family", f"{base}?org={service.organization_id}",
                f"{base}?org={service.organization_id}&service={service.pk}"):  # fmt: skip
        assert client.get(url).status_code == 200, url

    client.force_login(personas["resident"])
    html = client.get("/my-plan/who-viewed/").content.decode()
    assert html.count("data-visit") == 1
    assert "Marcus Hill" in html and "5 pages" in html
