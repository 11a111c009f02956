"""Public directory pages: home, categories, search results. No sign-in anywhere here."""

from __future__ import annotations

from urllib.parse import urlencode

from django.conf import settings
from django.http import Http404, HttpRequest, HttpResponse
from django.middleware.csrf import get_token
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_safe

from wayfinder.accounts.roles import active_memberships

from . import pages
from .categories import CATEGORY_BY_SLUG
from .forms import DISTANCE_CHOICES, LANGUAGE_CHOICES, PlaceForm, SearchForm
from .search import SearchParams, search
from .sharing import my_list_ids

# Query-string keys a results page carries over to its other pages and filters.
KEPT_KEYS = ("q", "where", "lat", "lon", "category", "situation", "distance", "open_now", "lang", "free", "age")


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(
        request,
        "directory/home.html",
        {
            "form": SearchForm(),
            "categories": pages.category_tiles(),
            "situations": pages.situation_tiles(),
        },
    )


@require_safe
def category(request: HttpRequest, slug: str) -> HttpResponse:
    """A category's subcategories and its "View all" (docs/product.md 1.3: search by category and subcategory),
    with a place box whose place every link carries along (a place it cannot find is said so)."""
    if slug not in CATEGORY_BY_SLUG:
        raise Http404
    form = PlaceForm(request.GET or None)
    place = form.place_query() if form.is_bound and form.is_valid() else {}
    return render(
        request,
        "directory/category.html",
        {
            "slug": slug,
            "name": pages.label(slug),
            "subcategories": pages.subcategory_tiles(slug),
            "place_form": form,
            "where_query": urlencode(place),
        },
    )


@require_safe
def results(request: HttpRequest) -> HttpResponse:
    form = SearchForm(request.GET or None)
    context: dict = {
        "form": form,
        "rows": [],
        "searched": False,
        "distance_choices": DISTANCE_CHOICES,
        "language_choices": LANGUAGE_CHOICES,
    }
    if form.is_bound and form.is_valid():
        data = form.cleaned_data
        params = SearchParams(
            text=data["q"],
            categories=[data["category"]] if data["category"] else [],
            situation=data["situation"],
            point=data["point"],
            radius_km=data["radius_km"],
            open_now=data["open_now"],
            languages=[data["lang"]] if data["lang"] else [],
            free=data["free"],
            age=data["age"],
            page=data["page"] or 1,
            now=timezone.now(),
            tz=settings.TIME_ZONE,
        )
        page = search(params)
        # One masked token for the rows' forms and the page's own (each get_token() masks anew).
        token = get_token(request)
        asked = bool(params.text.strip() or params.categories or params.situation)
        context.update(
            csrf_token=token,
            searched=asked,
            result=page,
            rows=bool(page.hits),
            heading=_heading(data),
            suggestions=pages.suggest_categories(params.text) if params.text else [],
            categories=pages.category_tiles() if (not page.hits and page.page == 1) else [],
            prev_url=_page_url(request, page.page - 1) if page.page > 1 else "",
            next_url=_page_url(request, page.page + 1) if page.has_next else "",
            subcategories=pages.subcategory_tiles(data["category"]) if data["category"] else [],
            parent=pages.parent_of(data["category"]) if data["category"] else None,
            has_point=params.point is not None,
            start_number=(page.page - 1) * page.size + 1,
            rows_html=pages.render_result_rows(
                pages.result_rows(page.hits),
                in_list=set(my_list_ids(request)),
                csrf_token=token,
                add_url=reverse("directory:list_add"),
                remove_url=reverse("directory:list_remove"),
                here=request.get_full_path(),
                favorite_url=reverse("partners:favorite_add") if active_memberships(request.user) else None,
            ),
        )
    elif not form.is_bound:
        context["categories"] = pages.category_tiles()
    return render(request, "directory/results.html", context)


def _heading(data: dict) -> str:
    if data["situation"]:
        return pages.situation_label(data["situation"])
    if data["category"]:
        return pages.label(data["category"])
    return data["q"]


def _page_url(request: HttpRequest, number: int) -> str:
    query = {k: request.GET[k] for k in KEPT_KEYS if request.GET.get(k)}
    query["page"] = str(number)
    return "?" + urlencode(query)
