"""Placing a partner's location on the map from its address, offline.

The directory's distance search needs a point for every location. There is no
geocoding service to call (docs/architecture.md, "Inside an app": everything works without the network), so a
location is placed at its ZIP code's centre from the bundled ZIP table, or at its
city's centre when the ZIP code is unknown there; a partner who wants the exact spot
picks it on the map where the deployment has map tiles.
"""

from __future__ import annotations

from wayfinder.lib import geo

# A point picked on the map farther than this from the address's ZIP (or city) centre is
# taken for a slip of the finger: rural Kentucky ZIP codes are up to about 30 km across.
MAX_PICK_DISTANCE_KM = 40.0


def address_point(postal_code: str, city: str, state: str) -> tuple[float, float] | None:
    """(lat, lon) for an address: its ZIP code's centre, else its city's, else None.

    A ZIP code of another state than the one given is not used (a typo would put the
    location hundreds of miles away); the city's centre is tried instead.
    """
    known_state = geo.zip_state(postal_code)
    if known_state is None or known_state == (state or "").upper():
        point = geo.zip_centroid(postal_code or "")
        if point is not None:
            return point
    return geo.city_centroid(city or "", state or "")
