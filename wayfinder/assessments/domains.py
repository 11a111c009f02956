"""SDoH domains: Wayfinder's categories and the SDOH Clinical Care category codes.

A need on the record is filed under a Wayfinder category slug (the directory's
categories, so suggestions find services of the same category) and keeps the
SDOH Clinical Care codes its sources gave. Inbound data (health information
exchange, Medicaid claims) arrives with SDOHCC codes only; ``category_for_sdohcc``
files it under the category a person would look in.
"""

from __future__ import annotations

from wayfinder.directory.categories import CATEGORY_BY_SLUG

SDOHCC_SYSTEM = "http://hl7.org/fhir/us/sdoh-clinicalcare/CodeSystem/SDOHCC-CodeSystemTemporaryCodes"

# Every category code of STU 2.2, 2.3 (incarceration-status, language-access) and 3
# (protective-factor): accepted on input (docs/assessments.md, "Scoring rules").
SDOHCC_CODES = frozenset(
    {
        "sdoh-category-unspecified",
        "food-insecurity",
        "housing-instability",
        "homelessness",
        "inadequate-housing",
        "transportation-insecurity",
        "financial-insecurity",
        "material-hardship",
        "educational-attainment",
        "employment-status",
        "veteran-status",
        "stress",
        "social-connection",
        "intimate-partner-violence",
        "elder-abuse",
        "personal-health-literacy",
        "health-insurance-coverage-status",
        "medical-cost-burden",
        "digital-literacy",
        "digital-access",
        "utility-insecurity",
        "incarceration-status",
        "language-access",
        "protective-factor",
    }
)

# Where a need reported only by its SDOHCC code is filed. ``sdoh-category-unspecified``
# and ``protective-factor`` name no domain: the caller must say which category.
CATEGORY_FOR_SDOHCC = {
    "food-insecurity": "food",
    "housing-instability": "housing",
    "homelessness": "housing",
    "inadequate-housing": "housing",
    "transportation-insecurity": "transportation",
    "financial-insecurity": "income",
    "material-hardship": "goods",
    "educational-attainment": "education",
    "employment-status": "employment",
    "veteran-status": "veterans",
    "stress": "mental-health",
    "social-connection": "social-connection",
    "intimate-partner-violence": "safety",
    "elder-abuse": "safety",
    "personal-health-literacy": "education",
    "health-insurance-coverage-status": "health-care",
    "medical-cost-burden": "health-care",
    "digital-literacy": "education",
    "digital-access": "utilities",
    "utility-insecurity": "utilities",
    "incarceration-status": "legal",
    "language-access": "education",
}


def is_category(slug: str) -> bool:
    """A top-level Wayfinder category (needs are filed by domain, not subcategory)."""
    return slug in CATEGORY_BY_SLUG


def category_for_sdohcc(code: str) -> str | None:
    return CATEGORY_FOR_SDOHCC.get(code)


def category_label(slug: str, language: str) -> str:
    category = CATEGORY_BY_SLUG.get(slug)
    if category is None:
        return slug
    return category.es if language == "es" else category.en
