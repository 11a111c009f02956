"""What other apps plug into the public directory (wayfinder.lib.extension_points).

The directory is the lowest domain app: it knows nothing of partners, residents,
consent or referrals, so what they add to its pages comes in through here."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from wayfinder.lib.extension_points import ExtensionPoint

# service id -> a callable giving groups of service ids referred together (one group
# per resident), read by ``service_page.frequently_paired``.
PAIRED_HISTORY: ExtensionPoint[Callable[[Any], Callable[[], Iterable[Iterable[str]]]]] = ExtensionPoint(
    "directory.paired_history",
    "Where 'Frequently paired together' on the service page learns which services go together.",
    required={"referrals": "docs/product.md 1.4: the service page shows services frequently referred together"},
)
