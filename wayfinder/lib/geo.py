"""Offline geography: distances, bounding boxes, ZIP and city centroids.

Everything here works without the network (docs/architecture.md, "Inside an app"): ZIP centroids come
from the ``zipcodes`` package's bundled table, loaded once per process.
"""

from __future__ import annotations

import math
from functools import lru_cache

EARTH_RADIUS_M = 6_371_008.8


def haversine_m(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance in metres."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * EARTH_RADIUS_M * math.asin(min(1.0, math.sqrt(a)))


def bounding_box(lat: float, lon: float, radius_m: float) -> tuple[float, float, float, float]:
    """(min_lat, max_lat, min_lon, max_lon) enclosing a circle: a cheap indexed pre-filter before haversine."""
    dlat = math.degrees(radius_m / EARTH_RADIUS_M)
    coslat = max(math.cos(math.radians(lat)), 1e-6)
    dlon = min(180.0, math.degrees(radius_m / (EARTH_RADIUS_M * coslat)))
    return lat - dlat, lat + dlat, lon - dlon, lon + dlon


def valid_coordinates(lat: float | None, lon: float | None) -> bool:
    return lat is not None and lon is not None and -90 <= lat <= 90 and -180 <= lon <= 180


@lru_cache(maxsize=1)
def _zip_table() -> dict[str, dict]:
    import zipcodes

    return {z["zip_code"]: z for z in zipcodes.list_all()}


@lru_cache(maxsize=1)
def _city_table() -> dict[tuple[str, str], tuple[float, float]]:
    sums: dict[tuple[str, str], list[float]] = {}
    for z in _zip_table().values():
        if z.get("zip_code_type") != "STANDARD" or not z.get("lat"):
            continue
        key = (z["city"].casefold(), z["state"].upper())
        acc = sums.setdefault(key, [0.0, 0.0, 0])
        acc[0] += float(z["lat"])
        acc[1] += float(z["long"])
        acc[2] += 1
    return {k: (v[0] / v[2], v[1] / v[2]) for k, v in sums.items()}


def zip_centroid(zip_code: str) -> tuple[float, float] | None:
    """(lat, lon) of a US ZIP code's centroid, or None when unknown. Accepts ZIP+4."""
    z = _zip_table().get((zip_code or "").strip()[:5])
    if not z or not z.get("lat"):
        return None
    return float(z["lat"]), float(z["long"])


def zip_state(zip_code: str) -> str | None:
    """The two-letter state of a US ZIP code, or None when unknown. Accepts ZIP+4."""
    z = _zip_table().get((zip_code or "").strip()[:5])
    return z["state"] if z else None


def city_centroid(city: str, state: str) -> tuple[float, float] | None:
    """Mean of the city's standard ZIP centroids, or None."""
    return _city_table().get(((city or "").strip().casefold(), (state or "").strip().upper()))


def state_zips(state: str) -> list[dict]:
    """Standard (street-address) ZIP rows of a state with coordinates, sorted by ZIP."""
    rows = [
        z
        for z in _zip_table().values()
        if z["state"] == state.upper() and z.get("zip_code_type") == "STANDARD" and z.get("lat")
    ]
    return sorted(rows, key=lambda z: z["zip_code"])
