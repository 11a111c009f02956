"""The sections the resident record and My Plan ask this feature for (see sections.py)."""

from __future__ import annotations

from .sections import my_plan_assessment_section, resident_assessment_section

__all__ = ["my_plan_assessment_section", "resident_assessment_section"]
