from wayfinder.lib import geo


def test_it_finds_zip_centroids_offline():
    lat, lon = geo.zip_centroid("40202")
    assert 38 < lat < 38.5 and -86 < lon < -85.5
    assert geo.zip_centroid("40202-1234") == (lat, lon)
    assert geo.zip_centroid("00000") is None
    assert geo.zip_centroid("") is None


def test_it_finds_city_centroids():
    lat, lon = geo.city_centroid("Lexington", "ky")
    assert 37.9 < lat < 38.2 and -84.7 < lon < -84.3
    assert geo.city_centroid("Nowhere", "KY") is None


def test_haversine_louisville_to_lexington_is_about_110_km():
    d = geo.haversine_m(38.2527, -85.7585, 38.0406, -84.5037)
    assert 108_000 < d < 114_000
    assert geo.haversine_m(38, -85, 38, -85) == 0


def test_bounding_box_contains_the_circle():
    min_lat, max_lat, min_lon, max_lon = geo.bounding_box(38.0, -85.0, 10_000)
    assert geo.haversine_m(38.0, -85.0, max_lat, -85.0) >= 9_999
    assert geo.haversine_m(38.0, -85.0, 38.0, max_lon) >= 9_999
    assert min_lat < 38 < max_lat and min_lon < -85 < max_lon


def test_valid_coordinates():
    assert geo.valid_coordinates(37.5, -85)
    assert not geo.valid_coordinates(123, -85)
    assert not geo.valid_coordinates(None, -85)


def test_state_zips_cover_all_kentucky_counties():
    assert len({z["county"] for z in geo.state_zips("KY")}) == 120
