"""Which organizations carry the "Partner" badge in the directory: the one place that asks.

The badge marks organizations that finished onboarding as community partners. Search
documents (``search.documents``) and the service page read it only through these two
functions, so where the fact lives (today the partners app's onboarding record) can change
without touching the pages or the index code.
"""

from __future__ import annotations


def partner_organization_ids() -> set[str]:
    """Ids (as strings) of the organizations shown with the Partner badge."""
    from wayfinder.partners.selectors import onboarded_organization_ids

    return onboarded_organization_ids()


def is_partner(organization_id: object) -> bool:
    """Whether one organization is shown with the Partner badge."""
    from wayfinder.partners.selectors import is_onboarded

    return is_onboarded(organization_id)
