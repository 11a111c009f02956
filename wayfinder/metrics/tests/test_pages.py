"""The dashboards through HTTP: what each person sees, the CSV beside each chart."""

from __future__ import annotations

import csv
import io
import re

import pytest

from wayfinder.metrics.refresh import refresh

APRIL = "period=custom&start=2026-04-01&end=2026-04-30"


@pytest.fixture
def counted(month):
    refresh()
    return month


def read_csv(response) -> list[list[str]]:
    assert response["Content-Type"].startswith("text/csv")
    return list(csv.reader(io.StringIO(response.content.decode())))


def test_a_partner_sees_its_own_figures_with_charts_and_tables(counted, client):
    client.force_login(counted.personas["family_center_staff"])
    response = client.get(f"/metrics/?{APRIL}")
    assert response.status_code == 200
    page = response.content.decode()
    assert "Lexington Family Resource Center" in page
    assert page.count('role="img"') >= 3  # outcome, open-by-age and closers charts
    assert "<script" not in page.split("<svg", 1)[1].split("</svg>", 1)[0]
    outcomes = read_csv(client.get(f"/metrics/table/outcomes.csv?{APRIL}"))
    assert outcomes == [
        ["Outcome", "Referrals closed"],
        ["Resource provided", "2"],
        ["Not eligible", "1"],
        ["Unable to reach the resident", "1"],
    ]
    summary = read_csv(client.get(f"/metrics/table/summary.csv?{APRIL}"))
    # The 30 days before (Mar 2-31) hold R1, closed since: 1 received, 100% closed.
    assert ["Closure rate", "75.0%", "100.0%"] in summary
    assert ["Referrals received", "4", "1"] in summary


def test_the_food_bank_sees_only_its_own(counted, client):
    client.force_login(counted.personas["food_bank_staff"])
    rows = read_csv(client.get(f"/metrics/table/summary.csv?{APRIL}"))
    assert ["Referrals sent", "4", "1"] in rows  # R1 was sent on March 31
    assert ["Referrals received", "0", "0"] in rows


def test_bad_dates_get_a_message_and_change_nothing(counted, client):
    client.force_login(counted.personas["family_center_staff"])
    response = client.get("/metrics/?period=custom&start=2026-05-01&end=2026-04-01")
    assert response.status_code == 200
    assert "The end date is before the start date." in response.content.decode()
    assert client.get("/metrics/table/outcomes.csv?period=custom&start=nonsense").status_code == 400
    assert client.get("/metrics/table/no-such-table.csv").status_code == 404


def test_state_agency_staff_and_united_way_see_statewide_figures(counted, client):
    personas = counted.personas
    for key in ("dcbs_worker", "reviewer", "specialist", "system_admin"):
        client.force_login(personas[key])
        response = client.get(f"/metrics/statewide/?{APRIL}")
        assert response.status_code == 200, key
    page = response.content.decode()
    for caption in ("Top organizations creating referrals", "By county", "Referrals by SDoH domain, per month"):
        assert caption in page
    closers = read_csv(client.get(f"/metrics/statewide/closers.csv?{APRIL}"))
    assert closers[1:] == [
        ["Receiving organization", "4"],
        ["Referral specialist", "1"],
        ["System", "0"],
        ["Sender (withdrawn)", "0"],
    ]
    for key in ("hospital_user", "food_bank_staff", "resident"):
        client.force_login(personas[key])
        assert client.get("/metrics/statewide/").status_code == 403, key


def test_the_public_page_hides_cells_of_fewer_than_11_residents(counted, client):
    from wayfinder.metrics.public import compute_snapshot

    compute_snapshot()
    response = client.get("/metrics/public/?period=all")
    # The CSRF token is random text: a name could appear in it by chance.
    page = re.sub(r'name="csrfmiddlewaretoken" value="[^"]*"', "", response.content.decode())
    assert response.status_code == 200
    assert "fewer than 11" in page
    assert not re.search(r"\b(Amy|Brandt)\b", page)
    headline = read_csv(client.get("/metrics/public/headline.csv?period=all"))
    # Four residents in all: every count is hidden.
    assert headline[1:] == [["Last 30 days", "0", "0"], ["This year", "<11", "<11"], ["All time", "<11", "<11"]]


def test_the_public_page_shows_cells_of_11_residents_or_more(month, client):
    from wayfinder.metrics.public import compute_snapshot

    from .conftest import make_resident, refer

    for number in range(11):
        resident = make_resident(f"Resident{number}", "Public", county="Clark")
        refer(month.personas, resident, month.services["formula"], "food_bank", "2026-04-07 09:00")
    refresh()
    compute_snapshot()
    counties = read_csv(client.get("/metrics/public/by_county.csv?period=all"))
    clark = next(row for row in counties if row[0] == "Clark")
    assert clark[1:] == ["11", "0", "0", "—"]  # 11 residents referred; none of theirs closed yet
    fayette = next(row for row in counties if row[0] == "Fayette")
    assert fayette[1] == "<11"


def test_the_workspace_landing_page_shows_the_dashboard_sections(counted, client):
    client.force_login(counted.personas["family_center_staff"])
    page = client.get("/partners/workspace/").content.decode()
    assert "Newest in your inbox" in page
    assert "Open referrals by age" in page and 'role="img"' in page
    assert "Bo Reyes" in page  # the newest referrals received, by name, for the organization's own staff
