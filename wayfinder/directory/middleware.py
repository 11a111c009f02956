"""Read-only CORS for the public HSDS API, so other Open Referral tools can call it from a browser.

Only ``/api/hsds/``: any origin may read it (it is public data, and no cookie is honoured for it:
``Access-Control-Allow-Credentials`` is never sent), with GET and HEAD; a preflight OPTIONS request
is answered here. Nothing else on the site is shared across origins.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

PREFIX = "/api/hsds/"


class HsdsCorsMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(PREFIX):
            return self.get_response(request)
        preflight = request.method == "OPTIONS" and "HTTP_ACCESS_CONTROL_REQUEST_METHOD" in request.META
        response = HttpResponse(status=204) if preflight else self.get_response(request)
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "Retry-After, Last-Modified, X-HSDS-Dump-Generated"
        if preflight:
            response["Access-Control-Allow-Methods"] = "GET, HEAD, OPTIONS"
            response["Access-Control-Allow-Headers"] = "Accept, Accept-Language, Content-Type"
            response["Access-Control-Max-Age"] = "86400"
        return response
