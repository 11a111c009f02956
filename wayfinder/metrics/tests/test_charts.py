"""Charts are inline SVG that an HTML page shows as SVG, whatever else ran in the process."""

from __future__ import annotations

import xml.etree.ElementTree as ET

from wayfinder.metrics.charts import SVG_NS, Table, _render, svg


def chart_markup(caption: str) -> str:
    rows = [["Food bank", 12], ["Shelter", 3]]
    table = Table(key="top", caption=caption, columns=["Organization", "Referrals"], rows=rows, chart="hbar")
    return str(svg(table))


def test_a_chart_is_plain_svg_with_its_title():
    markup = chart_markup("Top organizations")
    assert markup.startswith("<svg ") and 'xmlns="http://www.w3.org/2000/svg"' in markup
    assert 'role="img"' in markup and "<title" in markup and "<script" not in markup


def test_a_prefix_registered_by_another_library_does_not_change_the_markup():
    # qrcode registers "svg" for the SVG namespace when it draws an MFA set-up code.
    _render.cache_clear()
    registered = dict(ET._namespace_map)  # type: ignore[attr-defined]
    ET.register_namespace("svg", SVG_NS)
    try:
        markup = chart_markup("Top organizations, after a QR code")
    finally:
        ET._namespace_map.clear()  # type: ignore[attr-defined]
        ET._namespace_map.update(registered)  # type: ignore[attr-defined]
    assert markup.startswith("<svg ") and "<svg:" not in markup
