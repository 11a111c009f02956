"""A tiny real-HTTP client for tests against the live server: cookies, CSRF
tokens from forms, redirects followed. Used where a test must go over the wire
rather than through Django's in-process test client."""

from __future__ import annotations

import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request
from dataclasses import dataclass


@dataclass
class HttpResponse:
    status: int
    url: str
    text: str
    headers: dict[str, str]


_CSRF = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


class HttpClient:
    def __init__(self, base_url: str) -> None:
        self.base_url = base_url.rstrip("/")
        self.cookies = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.cookies))

    def _url(self, path: str) -> str:
        return path if path.startswith("http") else f"{self.base_url}{path}"

    def get(self, path: str) -> HttpResponse:
        return self._open(urllib.request.Request(self._url(path)))  # noqa: S310 - loopback test server

    def post_form(self, path: str, data: dict[str, str], *, page: HttpResponse | None = None) -> HttpResponse:
        """POST ``data`` with the CSRF token of ``page`` (fetched from ``path`` when omitted)."""
        page = page or self.get(path)
        match = _CSRF.search(page.text)
        if not match:
            raise AssertionError(f"no CSRF token on {page.url}")
        body = urllib.parse.urlencode({"csrfmiddlewaretoken": match.group(1), **data}).encode()
        request = urllib.request.Request(  # noqa: S310 - loopback test server
            self._url(path), data=body, headers={"Referer": page.url}, method="POST"
        )
        return self._open(request)

    def _open(self, request: urllib.request.Request) -> HttpResponse:
        try:
            with self.opener.open(request, timeout=30) as response:
                return HttpResponse(
                    response.status, response.url, response.read().decode("utf-8", "replace"), dict(response.headers)
                )
        except urllib.error.HTTPError as error:
            return HttpResponse(error.code, error.url, error.read().decode("utf-8", "replace"), dict(error.headers))


def record_full_sign_in(client, user) -> None:
    """After ``client.force_login(user)``: write into the session the password and
    TOTP steps as allauth records a completed sign-in. MFA is checked per session
    (docs/security.md), so a forced login alone is a session that still owes its
    code. For the test suite (conftest.py) and the benchmarks, never the application."""
    import time

    now = time.time()
    session = client.session
    session["account_authentication_methods"] = [
        {"method": "password", "at": now, "email": user.email},
        {"method": "mfa", "at": now, "type": "totp"},
    ]
    session["account_authentication_methods_user"] = str(user.pk)
    session.save()
