"""Tables and the charts drawn from them: server-rendered SVG (pygal).

Every chart is drawn from a ``Table``, and the page shows that table beside it
and offers it as CSV: the chart is for looking, the numbers are always there to
read (and for screen readers, which get the chart as one labelled image).

pygal's output is cleaned before it is inlined: its ``<script>``, ``<style>``,
comments and hover tooltips are removed (the page's Content-Security-Policy
allows neither inline scripts nor inline styles, and nothing needs them); the
look comes from ``static/metrics/metrics.css``.
"""

from __future__ import annotations

import functools
import hashlib
import re
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field

from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language

SVG_NS = "http://www.w3.org/2000/svg"
ET.register_namespace("", SVG_NS)
CHART_KINDS = ("hbar", "bar", "stacked")


@dataclass
class Table:
    """Numbers with a caption: ``rows`` are (label, value, value, ...); a value of
    None is a suppressed cell (public page), shown as "fewer than 11"."""

    key: str
    caption: str
    columns: list[str]
    rows: list[list] = field(default_factory=list)
    chart: str = ""  # one of CHART_KINDS, or "" for a table without a chart
    note: str = ""

    @property
    def has_numbers(self) -> bool:
        return any(isinstance(value, int | float) and value for row in self.rows for value in row[1:])

    def csv_rows(self, suppressed: str = "<11") -> list[list]:
        return [self.columns, *[[row[0], *[suppressed if v is None else v for v in row[1:]]] for row in self.rows]]


def svg(table: Table) -> SafeString:
    """The chart of ``table`` as inline SVG ("" when it has no chart or no numbers)."""
    if table.chart not in CHART_KINDS or not table.has_numbers:
        return mark_safe("")
    rows = tuple(tuple(row) for row in table.rows)
    return mark_safe(_render(table.chart, table.caption, tuple(table.columns), rows, get_language() or "en"))


@functools.lru_cache(maxsize=512)
def _render(kind: str, caption: str, columns: tuple, rows: tuple, language: str) -> str:
    """Rendering takes ~10 ms a chart; the same numbers give the same chart, so
    recently drawn charts are kept (tallies change at most once a minute)."""
    import pygal
    from pygal.style import Style

    style = Style(
        background="transparent",
        plot_background="transparent",
        foreground="#1a1a1a",
        foreground_strong="#1a1a1a",
        foreground_subtle="#4a4a4a",
        font_family="system-ui, sans-serif",
        colors=("#1f5fa8", "#b3471a", "#2e7d32", "#6a3d9a", "#8a6d00", "#0b7285", "#a61e4d", "#495057"),
        label_font_size=13,
        major_label_font_size=13,
        legend_font_size=13,
        title_font_size=16,
    )
    labels = [str(row[0]) for row in rows]
    height = max(220, 44 * len(rows) + 100) if kind == "hbar" else 340
    options = {
        "js": [], "css": [], "disable_xml_declaration": True, "no_prefix": True, "explicit_size": False,
        "width": 720, "height": height, "style": style, "show_legend": kind == "stacked", "legend_at_bottom": True,
        "print_values": kind != "stacked", "print_values_position": "top", "truncate_label": 28,
        "show_y_guides": kind != "hbar", "show_x_guides": kind == "hbar", "margin": 12, "min_scale": 2,
        "max_scale": 6,
    }  # fmt: skip
    if kind == "hbar":
        chart = pygal.HorizontalBar(**options)
    elif kind == "stacked":
        chart = pygal.StackedBar(**options)
    else:
        chart = pygal.Bar(**options)
    chart.x_labels = labels
    chart.value_formatter = lambda value: f"{value:,.0f}" if value is not None else ""
    if kind == "stacked":
        for index, name in enumerate(columns[1:], start=1):
            chart.add(str(name), [_number(row[index]) for row in rows])
    else:
        chart.add(str(columns[1]), [_number(row[1]) for row in rows])
    key = hashlib.sha256(repr((kind, caption, columns, rows, language)).encode()).hexdigest()[:10]
    return _clean(chart.render(is_unicode=True), caption, f"chart-{key}")


def _number(value) -> float | None:
    return float(value) if isinstance(value, int | float) else None


_COMMENTS = re.compile(r"<!--.*?-->", re.S)


def _clean(markup: str, caption: str, title_id: str) -> str:
    # Our own pygal output, never outside input: no entity expansion can reach it.
    root = ET.fromstring(_COMMENTS.sub("", markup))  # noqa: S314
    for parent in list(root.iter()):
        for child in list(parent):
            tag = child.tag.split("}")[-1]
            classes = child.get("class", "").split()
            if tag in ("defs", "script", "style", "title") or "tooltip-overlay" in classes or tag == "desc":
                parent.remove(child)
    for element in root.iter():
        element.attrib.pop("style", None)
    root.set("id", f"{title_id}-svg")
    root.set("role", "img")
    root.set("aria-labelledby", title_id)
    root.set("class", "metrics-svg")
    root.set("preserveAspectRatio", "xMinYMin meet")
    for attribute in ("width", "height"):
        root.attrib.pop(attribute, None)
    title = ET.Element(f"{{{SVG_NS}}}title", {"id": title_id})
    title.text = caption
    root.insert(0, title)
    # Plain <svg> tags with the namespace declared once, whatever prefix another library
    # registered process-wide (qrcode registers "svg" when it draws an MFA set-up code):
    # an HTML parser shows <svg> as a chart but <svg:svg> as nothing.
    for element in root.iter():
        if isinstance(element.tag, str) and element.tag.startswith(f"{{{SVG_NS}}}"):
            element.tag = element.tag[len(SVG_NS) + 2 :]
    root.set("xmlns", SVG_NS)
    return ET.tostring(root, encoding="unicode")
