"""What the public directory pages show, built from search hits and the categories.

Kept apart from the views so they stay thin and so these reads are tested alone.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, gettext

from .categories import CATEGORIES, CATEGORY_BY_SLUG, LABELS, SITUATIONS, SUBCATEGORY_PARENT
from .search import Hit
from .search.query import normalize
from .search.schema import EN, ES, analyze
from .search.synonyms import GENERIC_WORDS, SYNONYMS

KM_PER_MILE = 1.609344


def spanish() -> bool:
    return (get_language() or "en").startswith("es")


def label(slug: str) -> str:
    """A category or subcategory name in the page's language."""
    en, es = LABELS.get(slug, (slug, slug))
    return es if spanish() else en


def situation_label(slug: str) -> str:
    """A situation tile's words in the page's language (slugs may equal a category's: "child-care")."""
    situation = SITUATIONS.get(slug)
    return situation["es" if spanish() else "en"] if situation else slug


@dataclass
class Tile:
    slug: str
    name: str


def category_tiles() -> list[Tile]:
    return [Tile(c.slug, label(c.slug)) for c in CATEGORIES]


def situation_tiles() -> list[Tile]:
    return [Tile(slug, situation_label(slug)) for slug in SITUATIONS]


def subcategory_tiles(slug: str) -> list[Tile]:
    category = CATEGORY_BY_SLUG.get(slug)
    return [Tile(sub[0], label(sub[0])) for sub in category.subcategories] if category else []


def parent_of(slug: str) -> str | None:
    return SUBCATEGORY_PARENT.get(slug)


@lru_cache(maxsize=1)
def _category_words() -> dict[str, set[str]]:
    """Stemmed word → category slugs, from both languages' names and the synonym table."""
    words: dict[str, set[str]] = {}
    for slug, (en, es) in LABELS.items():
        for token in analyze(EN, en) + analyze(ES, es):
            if token not in GENERIC_WORDS and len(token) > 2:
                words.setdefault(token, set()).add(slug)
    for key, alternatives in SYNONYMS.items():
        targets = set()
        for phrase in (key, *alternatives):
            for token in analyze(EN, phrase):
                targets |= words.get(token, set())
        for token in analyze(EN, key) + analyze(ES, key):
            words.setdefault(token, set()).update(targets)
    return words


def suggest_categories(text: str, limit: int = 4) -> list[Tile]:
    """Categories the words point to ("diapers" → Diapers and baby supplies); none → empty."""
    scores: dict[str, int] = {}
    table = _category_words()
    for word in normalize(text):
        for token in {*analyze(EN, word), *analyze(ES, word)}:
            for slug in table.get(token, ()):
                scores[slug] = scores.get(slug, 0) + (2 if slug in SUBCATEGORY_PARENT else 1)
    ranked = sorted(scores, key=lambda s: (-scores[s], label(s)))[:limit]
    return [Tile(slug, label(slug)) for slug in ranked]


@dataclass
class ResultRow:
    service_id: str
    url: str
    name: str
    organization: str
    short: str
    address: str
    phone: str
    miles: float | None
    open_now: bool | None
    partner: bool


def result_rows(hits: list[Hit]) -> list[ResultRow]:
    """Display rows from the index alone (the Partner flag included): no query per results page."""
    # One reverse() for the page, not one per row: rendering, not searching, is the cost of a results page.
    pattern = reverse("directory:service", args=["00000000-0000-0000-0000-000000000000"])
    return [
        ResultRow(
            service_id=h.service_id,
            url=pattern.replace("00000000-0000-0000-0000-000000000000", h.service_id),
            name=h.display.get("name") or "",
            organization=h.display.get("organization_name") or "",
            short=h.display.get("short") or "",
            address=h.display.get("address") or "",
            phone=h.display.get("phone") or "",
            miles=round(h.distance_km / KM_PER_MILE, 1) if h.distance_km is not None else None,
            open_now=h.open_now,
            partner=bool(h.display.get("partner")),
        )
        for h in hits
    ]


def render_result_rows(
    rows: list[ResultRow],
    *,
    in_list: set[str],
    csrf_token: str,
    add_url: str,
    remove_url: str,
    here: str,
    favorite_url: str | None = None,
) -> str:
    """The results list's rows as HTML, built in Python.

    Measured: the template engine spent ~0.4 ms per row (two thirds of a results
    page's server time); this builds the same markup as ``_result.html`` in ~20 µs
    a row. Every value goes through ``format_html``'s escaping.
    """
    parts = []
    partner, away_text = gettext("Partner"), gettext("%(miles)s mi away")
    open_text, closed_text = gettext("Open now"), gettext("Closed now")
    add_text, remove_text = gettext("Add to My list"), gettext("Remove from My list")
    favorite_text = gettext("Add to favorites")
    for row in rows:
        mine = row.service_id in in_list
        meta = []
        if row.miles is not None:
            meta.append(format_html("<span>{}</span>", away_text % {"miles": number_format(row.miles)}))
        if row.open_now:
            meta.append(format_html('<span class="open-now">{}</span>', open_text))
        elif row.open_now is False:
            meta.append(format_html('<span class="closed-now">{}</span>', closed_text))
        parts.append(
            format_html(
                '<li class="result card"><h3 class="result-name"><a href="{}">{}</a>{}</h3>'
                '<p class="result-org">{}</p><p class="result-meta">{}</p>{}{}{}'
                '<form method="post" action="{}" class="inline-form">'
                '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
                '<input type="hidden" name="service" value="{}"><input type="hidden" name="next" value="{}">'
                '<button type="submit" class="secondary small">{}<span class="visually-hidden">: {}</span></button>'
                "</form>{}</li>",
                row.url,
                row.name,
                format_html(' <span class="badge badge-partner">{}</span>', partner) if row.partner else "",
                row.organization,
                mark_safe("".join(meta)),  # every part built by format_html
                format_html("<p>{}</p>", row.short) if row.short else "",
                format_html('<p class="muted">{}</p>', row.address) if row.address else "",
                format_html('<p><a href="tel:{}">{}</a></p>', row.phone, row.phone) if row.phone else "",
                remove_url if mine else add_url,
                csrf_token,
                row.service_id,
                here,
                remove_text if mine else add_text,
                row.name,
                _favorite_form(favorite_url, csrf_token, row, here, favorite_text) if favorite_url else "",
            )
        )
    return mark_safe("".join(parts))


def _favorite_form(url: str, csrf_token: str, row: ResultRow, here: str, label: str) -> str:
    """Partner staff add a result to their organization's favorites (partners app)."""
    return format_html(
        '<form method="post" action="{}" class="inline-form">'
        '<input type="hidden" name="csrfmiddlewaretoken" value="{}">'
        '<input type="hidden" name="service_id" value="{}"><input type="hidden" name="next" value="{}">'
        '<button type="submit" class="secondary small">{}<span class="visually-hidden">: {}</span></button></form>',
        url,
        csrf_token,
        row.service_id,
        here,
        label,
        row.name,
    )  # every part built by format_html
