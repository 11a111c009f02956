"""ICD-10-CM SDoH Z codes: which SDOH Clinical Care category each files under, and
when each was a valid (billable) code (docs/exchange.md, "Z codes by date of service").

A claim is read by its date of service: the code must have been valid that day.
Z59.4 was a valid code until 30 September 2021, when it became the header of
Z59.41 and Z59.48; Z59.86 was valid from 1 October 2022 and became a header on
1 October 2025 (Z59.861, Z59.868, Z59.869). A claim dated 2019 coding Z59.4 is
right; one dated 2026 coding Z59.86 is not, and is refused (code-invalid).

The table is data: one row per code, ``(code, SDOHCC category or "", valid from,
valid to)``; ``None`` means open-ended. An empty category files no need (the code
is an SDoH circumstance with no domain of ours, e.g. discord with neighbours).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"

FY2022 = datetime.date(2021, 10, 1)
FY2023 = datetime.date(2022, 10, 1)
APRIL_2023 = datetime.date(2023, 4, 1)
FY2026 = datetime.date(2025, 10, 1)


def _before(day: datetime.date) -> datetime.date:
    return day - datetime.timedelta(days=1)


# (code, category, valid_from, valid_to)
TABLE: tuple[tuple[str, str, datetime.date | None, datetime.date | None], ...] = (
    # Z55 education and literacy
    ("Z55.0", "educational-attainment", None, None),
    ("Z55.1", "educational-attainment", None, None),
    ("Z55.2", "educational-attainment", None, None),
    ("Z55.3", "educational-attainment", None, None),
    ("Z55.4", "educational-attainment", None, None),
    ("Z55.5", "educational-attainment", FY2023, None),
    ("Z55.6", "personal-health-literacy", APRIL_2023, None),
    ("Z55.8", "educational-attainment", None, None),
    ("Z55.9", "educational-attainment", None, None),
    # Z56 employment
    ("Z56.0", "employment-status", None, None),
    ("Z56.1", "employment-status", None, None),
    ("Z56.2", "employment-status", None, None),
    ("Z56.3", "employment-status", None, None),
    ("Z56.4", "employment-status", None, None),
    ("Z56.5", "employment-status", None, None),
    ("Z56.6", "employment-status", None, None),
    ("Z56.81", "employment-status", None, None),
    ("Z56.82", "veteran-status", None, None),
    ("Z56.89", "employment-status", None, None),
    ("Z56.9", "employment-status", None, None),
    # Z58 physical environment
    ("Z58.6", "", None, None),
    ("Z58.81", "", APRIL_2023, None),
    ("Z58.89", "", APRIL_2023, None),
    # Z59 housing and economic circumstances
    ("Z59.0", "homelessness", None, _before(FY2022)),
    ("Z59.00", "homelessness", FY2022, None),
    ("Z59.01", "homelessness", FY2022, None),
    ("Z59.02", "homelessness", FY2022, None),
    ("Z59.1", "inadequate-housing", None, _before(APRIL_2023)),
    ("Z59.10", "inadequate-housing", APRIL_2023, None),
    ("Z59.11", "inadequate-housing", APRIL_2023, None),
    ("Z59.12", "utility-insecurity", APRIL_2023, None),
    ("Z59.19", "inadequate-housing", APRIL_2023, None),
    ("Z59.2", "", None, None),
    ("Z59.3", "", None, None),
    ("Z59.4", "food-insecurity", None, _before(FY2022)),
    ("Z59.41", "food-insecurity", FY2022, None),
    ("Z59.48", "food-insecurity", FY2022, None),
    ("Z59.5", "financial-insecurity", None, None),
    ("Z59.6", "financial-insecurity", None, None),
    ("Z59.7", "financial-insecurity", None, None),
    ("Z59.8", "", None, _before(FY2022)),
    ("Z59.811", "housing-instability", FY2022, None),
    ("Z59.812", "housing-instability", FY2022, None),
    ("Z59.819", "housing-instability", FY2022, None),
    ("Z59.82", "transportation-insecurity", FY2023, None),
    ("Z59.86", "financial-insecurity", FY2023, _before(FY2026)),
    ("Z59.861", "utility-insecurity", FY2026, None),
    ("Z59.868", "financial-insecurity", FY2026, None),
    ("Z59.869", "financial-insecurity", FY2026, None),
    ("Z59.87", "material-hardship", FY2023, None),
    ("Z59.89", "", FY2022, None),
    ("Z59.9", "", None, None),
    # Z60 social environment
    ("Z60.0", "", None, None),
    ("Z60.2", "social-connection", None, None),
    ("Z60.3", "", None, None),
    ("Z60.4", "social-connection", None, None),
    ("Z60.5", "", None, None),
    ("Z60.8", "", None, None),
    ("Z60.9", "", None, None),
    # Z65 other psychosocial circumstances
    ("Z65.0", "", None, None),
    ("Z65.1", "incarceration-status", None, None),
    ("Z65.2", "incarceration-status", None, None),
    ("Z65.3", "", None, None),
    ("Z65.4", "", None, None),
    ("Z65.5", "", None, None),
    ("Z65.8", "", None, None),
    ("Z65.9", "", None, None),
)


@dataclass(frozen=True)
class ZCode:
    code: str
    category: str
    valid_from: datetime.date | None
    valid_to: datetime.date | None

    def valid_on(self, day: datetime.date) -> bool:
        return (self.valid_from is None or day >= self.valid_from) and (self.valid_to is None or day <= self.valid_to)

    def validity(self) -> str:
        start = self.valid_from.isoformat() if self.valid_from else "before 2021"
        end = self.valid_to.isoformat() if self.valid_to else "today"
        return f"valid from {start} to {end}"


BY_CODE = {row[0]: ZCode(*row) for row in TABLE}


def normalize(code: str) -> str:
    """``Z5941`` (claims leave the dot out), ``z59.41`` -> ``Z59.41``."""
    code = code.strip().upper().replace(".", "")
    return code[:3] + "." + code[3:] if len(code) > 3 else code


def lookup(code: str) -> ZCode | None:
    return BY_CODE.get(normalize(code))


def is_sdoh_z_code(code: str) -> bool:
    """In the Z55-Z65 block (the SDoH chapter block), whether or not it is in our table."""
    code = normalize(code)
    return code.startswith("Z") and code[1:3].isdigit() and 55 <= int(code[1:3]) <= 65
