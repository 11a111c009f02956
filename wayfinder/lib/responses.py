"""Responses every app gives the same way."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render


def gone(request: HttpRequest, message: str = "") -> HttpResponse:
    """410 in the site's layout: what was here was removed or expired for good."""
    return render(request, "410.html", {"message": message}, status=410)
