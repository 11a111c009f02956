"""A small, fixed Kentucky directory for search and page tests (same ids every run)."""

from __future__ import annotations

import datetime as dt
import uuid

from django.utils import timezone
from django.utils.text import slugify

from wayfinder.directory.categories import with_parents
from wayfinder.directory.models import (
    Address,
    CostOption,
    Language,
    Location,
    Organization,
    Phone,
    Schedule,
    Service,
    ServiceAtLocation,
    ServiceStatus,
)

NS = uuid.UUID("0b7c3c1e-2f7a-4f61-9a55-6f1f9d1e0001")
CITIES = {
    "Lexington": (38.0406, -84.5037, "40507"),
    "Louisville": (38.2527, -85.7585, "40202"),
    "Frankfort": (38.2009, -84.8733, "40601"),
    "Bowling Green": (36.9685, -86.4808, "42101"),
    "Pikeville": (37.4793, -82.5188, "41501"),
    "Paducah": (37.0834, -88.6000, "42001"),
    "Georgetown": (38.2098, -84.5588, "40324"),
}
WEEKDAYS = "MO,TU,WE,TH,FR"
EVERY_DAY = "MO,TU,WE,TH,FR,SA,SU"

# (key, name, organization, description, categories, city or None, options)
SERVICES: list[tuple] = [
    (
        "pantry-lex",
        "Community Food Pantry",
        "God's Pantry Food Bank",
        "Free groceries for families in need. Bring a photo ID.",
        ["food-pantries"],
        "Lexington",
        {
            "free": True,
            "langs": ["en", "es"],
            "hours": (WEEKDAYS, "09:00", "17:00"),
            "partner": True,
            "phone": "859-555-0101",
        },
    ),
    (
        "meals-lex",
        "Hot Meals Kitchen",
        "Catholic Action Center",
        "Free hot meals served every day at noon.",
        ["meals"],
        "Lexington",
        {"free": True, "hours": (EVERY_DAY, "11:00", "13:00")},
    ),
    (
        "pantry-lou",
        "Louisville Food Pantry",
        "Dare to Care Food Bank",
        "Groceries and fresh produce.",
        ["food-pantries"],
        "Louisville",
        {"free": True, "hours": (WEEKDAYS, "10:00", "16:00")},
    ),
    (
        "rent-lex",
        "Emergency Rental Assistance",
        "Community Action Council",
        "Help paying past-due rent to keep families housed and prevent eviction.",
        ["rent-assistance", "eviction-prevention"],
        "Lexington",
        {"hours": (WEEKDAYS, "08:00", "16:30")},
    ),
    (
        "legal-lex",
        "Eviction Defense Clinic",
        "Legal Aid of the Bluegrass",
        "Free lawyers for tenants facing eviction court.",
        ["legal-aid", "tenant-rights"],
        "Lexington",
        {"free": True},
    ),
    (
        "diapers-lou",
        "Diaper Bank",
        "Baby Steps Kentucky",
        "Diapers, wipes and supplies for infants and toddlers.",
        ["diapers"],
        "Louisville",
        {"free": True},
    ),
    (
        "training-fra",
        "Workforce Training Program",
        "Kentucky Career Center",
        "Vocational skills and certificates for adults looking for better work.",
        ["job-training"],
        "Frankfort",
        {"hours": (WEEKDAYS, "08:00", "17:00")},
    ),
    (
        "jobsearch-fra",
        "Job Search Help",
        "Kentucky Career Center",
        "Resume review and job listings.",
        ["job-search"],
        "Frankfort",
        {"same_place_as": "training-fra"},
    ),
    (
        "liheap-bg",
        "Utility Bill Assistance (LIHEAP)",
        "Community Action of Southern Kentucky",
        "Help paying electric and heating bills in winter.",
        ["utility-bill-help", "heating-cooling"],
        "Bowling Green",
        {},
    ),
    (
        "shelter-lex",
        "Emergency Homeless Shelter",
        "Hope Center",
        "Overnight beds and showers for adults experiencing homelessness.",
        ["emergency-shelter"],
        "Lexington",
        {"free": True, "hours": (EVERY_DAY, "00:00", "00:00")},
    ),
    (
        "dv-ky",
        "Domestic Violence Shelter",
        "GreenHouse17",
        "Safe shelter and a 24-hour crisis line for survivors of intimate partner abuse.",
        ["dv-shelter", "domestic-violence"],
        None,
        {"free": True, "service_hours": (EVERY_DAY, "00:00", "00:00")},
    ),
    (
        "dental-lou",
        "Free Dental Clinic",
        "Mission of Mercy",
        "Cleanings, fillings and extractions at no cost.",
        ["dental"],
        "Louisville",
        {"free": True},
    ),
    (
        "clinic-lex",
        "Community Health Clinic",
        "HealthFirst Bluegrass",
        "Primary care visits on a sliding fee scale.",
        ["clinics"],
        "Lexington",
        {"langs": ["en", "es"]},
    ),
    (
        "prenatal-lex",
        "Prenatal Care Program",
        "HealthFirst Bluegrass",
        "Checkups and classes for pregnant women.",
        ["prenatal"],
        "Lexington",
        {},
    ),
    (
        "counsel-lex",
        "Counseling Services",
        "New Vista",
        "Mental health counseling and therapy for all ages.",
        ["counseling"],
        "Lexington",
        {},
    ),
    (
        "crisis-ky",
        "988 Crisis Line",
        "Kentucky Crisis Network",
        "Call or text 988 any time for crisis support.",
        ["crisis-lines"],
        None,
        {"free": True},
    ),
    (
        "recovery-pik",
        "Addiction Recovery Center",
        "Recovery Kentucky",
        "Substance use treatment and peer recovery support.",
        ["addiction-treatment", "recovery-support"],
        "Pikeville",
        {},
    ),
    (
        "rides-lex",
        "Medical Rides",
        "Federated Transportation Services of the Bluegrass",
        "Free rides to doctor appointments for Medicaid members.",
        ["medical-rides"],
        "Lexington",
        {"free": True},
    ),
    (
        "ged-geo",
        "GED Classes",
        "Bluegrass Adult Education",
        "Adult education and high school equivalency preparation.",
        ["ged"],
        "Georgetown",
        {"free": True},
    ),
    (
        "esl-lou",
        "English Classes for Adults",
        "Kentucky Refugee Ministries",
        "ESL: English as a second language, day and evening classes.",
        ["esl"],
        "Louisville",
        {"langs": ["en", "es", "ar", "sw"]},
    ),
    (
        "vita-lex",
        "Free Tax Preparation (VITA)",
        "United Way of the Bluegrass",
        "Volunteers prepare and file your tax return.",
        ["tax-preparation"],
        "Lexington",
        {"free": True},
    ),
    (
        "ccap-lex",
        "Child Care Assistance Program",
        "Child Care Council of Kentucky",
        "Helps working parents pay for child care.",
        ["child-care-subsidy"],
        "Lexington",
        {},
    ),
    (
        "afterschool-pad",
        "After-School Club",
        "Boys & Girls Club of Paducah",
        "Homework help and sports.",
        ["after-school"],
        "Paducah",
        {"ages": (6, 18)},
    ),
    (
        "senior-bg",
        "Senior Center",
        "Bowling Green Senior Center",
        "Lunch, exercise and friends for older adults.",
        ["senior-centers"],
        "Bowling Green",
        {"ages": (60, None)},
    ),
    (
        "vets-fra",
        "Veterans Benefits Help",
        "Kentucky Department of Veterans Affairs",
        "Claims for VA disability and pension.",
        ["veteran-benefits"],
        "Frankfort",
        {"free": True},
    ),
    (
        "clothes-lou",
        "Clothing Closet",
        "Salvation Army Louisville",
        "Coats, shoes and work clothes.",
        ["clothing"],
        "Louisville",
        {"free": True},
    ),
    (
        "furniture-lex",
        "Furniture Bank",
        "Habitat ReStore",
        "Beds, tables and appliances at low prices.",
        ["furniture"],
        "Lexington",
        {"fee": 25},
    ),
    (
        "bus-lex",
        "Bus Passes for Job Seekers",
        "Lextran",
        "Monthly transit passes for people looking for work.",
        ["public-transit"],
        "Lexington",
        {},
    ),
    (
        "snap-lou",
        "SNAP Application Help",
        "Kentucky Hunger Coalition",
        "Help applying for SNAP food stamps and WIC.",
        ["snap-wic"],
        "Louisville",
        {"free": True},
    ),
    (
        "pantry-pad",
        "Paducah Food Pantry",
        "Paducah Cooperative Ministry",
        "Groceries once a month.",
        ["food-pantries"],
        "Paducah",
        {"free": True},
    ),
    (
        "pantry-pik",
        "Pikeville Food Pantry",
        "Big Sandy Community Action",
        "Groceries and commodities.",
        ["food-pantries"],
        "Pikeville",
        {"free": True},
    ),
    (
        "formula-fra",
        "Baby Formula Closet",
        "Frankfort Pregnancy Care",
        "Infant formula and baby food.",
        ["baby-food-formula"],
        "Frankfort",
        {"free": True},
    ),
    (
        "wic-lex",
        "WIC Nutrition Program",
        "Fayette County Health Department",
        "Healthy food, infant formula and nutrition education for pregnant women, new mothers and young children.",
        ["snap-wic"],
        "Lexington",
        {"free": True},
    ),
    (
        "shots-lou",
        "Immunization Clinic",
        "Louisville Metro Public Health",
        "Childhood immunizations and flu vaccines. Walk in, no appointment.",
        ["clinics"],
        "Louisville",
        {"free": True},
    ),
    (
        "closed-lex",
        "Old Food Pantry",
        "Closed Ministry",
        "Groceries (closed).",
        ["food-pantries"],
        "Lexington",
        {"status": ServiceStatus.INACTIVE},
    ),
]


def sid(key: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"service:{key}")


def _id(kind: str, key: str) -> uuid.UUID:
    return uuid.uuid5(NS, f"{kind}:{key}")


def build_directory() -> dict[str, Service]:
    """Create the fixture rows; returns services by key."""
    out: dict[str, Service] = {}
    orgs: dict[str, Organization] = {}
    locations: dict[str, Location] = {}
    for index, (key, name, org_name, description, cats, city, opts) in enumerate(SERVICES):
        org = orgs.get(org_name)
        if org is None:
            org = orgs[org_name] = Organization.objects.create(
                id=_id("org", org_name),
                name=org_name,
                description=f"{org_name} serves Kentucky.",
                email=f"info@{slugify(org_name)}.example.org",
                last_verified=dt.date(2026, 10, 1),
            )
            if opts.get("partner"):
                # Onboarding sets this (partners app); the directory only reads it.
                Organization.objects.filter(pk=org.pk).update(partner_since=timezone.now())
        service = Service.objects.create(
            id=sid(key),
            organization=org,
            name=name,
            description=description,
            categories=sorted(with_parents(cats)),
            status=opts.get("status", ServiceStatus.ACTIVE),
            eligibility_description="Kentucky residents.",
            minimum_age=(opts.get("ages") or (None, None))[0],
            maximum_age=(opts.get("ages") or (None, None))[1],
            fees_description="Free" if opts.get("free") else "",
            url="https://example.org/" + key,
            last_verified=dt.date(2026, 11, 1) if index % 2 == 0 else None,
        )
        out[key] = service
        if opts.get("fee"):
            CostOption.objects.create(
                id=_id("cost", key), service=service, option="Fee", amount=opts["fee"], currency="USD"
            )
        for code in opts.get("langs", ["en"]):
            Language.objects.create(
                id=_id("lang", key + code),
                service=service,
                code=code,
                name={"en": "English", "es": "Spanish", "ar": "Arabic", "sw": "Swahili"}[code],
            )
        Phone.objects.create(id=_id("phone", key), service=service, number=opts.get("phone", f"502-555-{index:04d}"))
        if "service_hours" in opts:
            days, opens, closes = opts["service_hours"]
            Schedule.objects.create(
                id=_id("sched", key), service=service, freq="WEEKLY", byday=days, opens_at=opens, closes_at=closes
            )
        if city is None:
            continue
        location = locations.get(opts["same_place_as"]) if "same_place_as" in opts else None
        if location is None:
            lat, lon, zip_code = CITIES[city]
            offset = (index % 5) * 0.004
            location = Location.objects.create(
                id=_id("loc", key),
                organization=org,
                name=f"{org_name}, {city}",
                latitude=lat + offset,
                longitude=lon - offset,
            )
            Address.objects.create(
                id=_id("addr", key),
                location=location,
                address_1=f"{100 + index} Main St",
                city=city,
                state_province="KY",
                postal_code=zip_code,
                country="US",
            )
        locations[key] = location
        sal = ServiceAtLocation.objects.create(id=_id("sal", key), service=service, location=location)
        if "hours" in opts:
            days, opens, closes = opts["hours"]
            Schedule.objects.create(
                id=_id("sched", key),
                service_at_location=sal,
                freq="WEEKLY",
                byday=days,
                opens_at=opens,
                closes_at=closes,
            )
    return out
