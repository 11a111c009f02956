"""PDF from the same HTML as the print page (WeasyPrint, the directory's own setup:
only our static CSS is read, nothing is fetched)."""

from __future__ import annotations

from django.http import HttpResponse

from wayfinder.directory.sharing import pdf_bytes


def pdf_response(html: str, filename: str) -> HttpResponse:
    response = HttpResponse(pdf_bytes(html), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="{filename}"'
    response["Cache-Control"] = "no-store"
    return response
