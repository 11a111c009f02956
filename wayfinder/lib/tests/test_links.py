"""Links from imported data: only http, https, mailto and a valid tel (issue #13 item 11)."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from wayfinder.lib.links import mailto_href, safe_href, tel_href, web_href


@pytest.mark.parametrize(
    "value,expected",
    [
        ("https://foodbank.example.org/pantry?day=mon", "https://foodbank.example.org/pantry?day=mon"),
        ("http://example.org", "http://example.org"),
        ("www.example.org/food", "https://www.example.org/food"),
        ("javascript:alert(1)", ""),
        ("JaVaScRiPt:alert(1)", ""),
        (" javascript:alert(1)", ""),
        ("java\tscript:alert(1)", ""),
        ("data:text/html,<script>alert(1)</script>", ""),
        ("vbscript:msgbox(1)", ""),
        ("//evil.example/x", ""),
        ("/relative/path", ""),
        ("https://", ""),
        ('https://example.org/"onmouseover="alert(1)', ""),
        ("ftp://example.org/file", ""),
        ("", ""),
        (None, ""),
    ],
)
def test_web_links(value, expected):
    assert web_href(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("info@foodbank.org", "mailto:info@foodbank.org"),
        ("mailto:info@foodbank.org", "mailto:info@foodbank.org"),
        ("javascript:alert(1)//@example.org", ""),
        ("info@foodbank.org?subject=x", ""),
        ("not an email", ""),
        ("a@b", ""),
    ],
)
def test_mailto_links(value, expected):
    assert mailto_href(value) == expected


@pytest.mark.parametrize(
    "value,expected",
    [
        ("859-555-0101", "tel:+18595550101"),
        ("(859) 555-0101", "tel:+18595550101"),
        ("1-800-555-0199", "tel:+18005550199"),
        ("+52 55 1234 5678", "tel:+525512345678"),
        ("859-555-0101 ext. 12", "tel:+18595550101"),
        ("tel:859-555-0101", "tel:+18595550101"),
        ("2-1-1", "tel:211"),
        ("988", "tel:988"),
        ("5-5-5", ""),
        ("tel:javascript:alert(1)", ""),
        ("javascript:alert(1)", ""),
        ("859-555-0101<script>", ""),
        ("call us", ""),
    ],
)
def test_tel_links(value, expected):
    assert tel_href(value) == expected


def test_safe_href_chooses_by_scheme():
    assert safe_href("tel:javascript:alert(1)") == ""
    assert safe_href("mailto:a@example.org") == "mailto:a@example.org"
    assert safe_href("a@example.org") == "mailto:a@example.org"
    assert safe_href("https://example.org") == "https://example.org"


@given(st.text(max_size=80))
def test_nothing_but_the_four_schemes_ever_comes_out(value):
    for href in (web_href(value), mailto_href(value), tel_href(value), safe_href(value)):
        assert href == "" or href.split(":", 1)[0] in {"http", "https", "mailto", "tel"}
        assert not any(ch in href for ch in "<>\"'` \t\n\r")
