"""Fetching a client's public keys from its registered ``jwks_url`` (docs/exchange.md,
"Authentication").

A client that rotates its keys publishes them at a URL instead of sending them to the
administrator. The token endpoint fetches that JWK Set, and because the URL is chosen by
whoever registered the client and the fetch is triggered by anyone who can post an
assertion, every fetch is fenced in:

- https only (plain http only for a loopback host when ``HIE_JWKS_ALLOW_LOOPBACK_HTTP``
  is on: development and tests);
- the host is resolved first and every address must be public (loopback only when
  allowed): no private, link-local, shared, reserved or multicast address, so the token
  endpoint cannot be pointed at the internal network or a cloud metadata service. The
  connection then goes to the checked address (the name is not resolved a second time,
  so a DNS answer that changes in between does not get through); TLS still verifies the
  certificate against the host name;
- no redirects, no proxies from the environment, a short timeout for the whole fetch,
  and a size cap read in chunks (a huge or endless body is cut off);
- the answer must be a JSON ``{"keys": [...]}`` of public keys PyJWT can load;
- the set is cached per URL (``HIE_JWKS_CACHE_SECONDS``), and a ``kid`` the cached set
  does not have causes a re-fetch at most once per URL per ``HIE_JWKS_REFETCH_SECONDS``
  (any fetch counts): a rotated key is picked up within a minute, yet a stream of
  assertions with made-up kids cannot make us hammer the client's server.

Every failure raises ``JwksError`` with a reason the token endpoint gives back (401
``invalid_client``) and logs; nothing here raises anything else.
"""

from __future__ import annotations

import hashlib
import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import jwt
import requests
from django.conf import settings
from django.core.cache import cache
from requests.adapters import HTTPAdapter

logger = logging.getLogger(__name__)

CHUNK_BYTES = 8192
MAX_URL_LENGTH = 200  # ExchangeClient.jwks_url (a URLField)


class JwksError(Exception):
    """The JWK Set at a client's ``jwks_url`` cannot be used; ``str(error)`` says why."""


@dataclass(frozen=True)
class FetchedKeys:
    """A client's fetched JWK Set. ``refetch_refused``: the set lacked the wanted kid and
    was not fetched again because the last fetch was too recent."""

    jwks: dict[str, Any]
    refetch_refused: bool = False


def _setting(name: str, default: int) -> int:
    return int(getattr(settings, name, default))


def check_url_shape(url: str) -> str | None:
    """Why ``url`` cannot be a JWKS URL (None when its shape is fine): https, a host, no
    user name or password, no fragment. Loopback http passes when allowed. Does not
    resolve the host (the admin form uses this; the fetch checks addresses too)."""
    if len(url) > MAX_URL_LENGTH:
        return f"the URL is longer than {MAX_URL_LENGTH} characters"
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        return f"the URL is malformed ({error})"
    if parts.scheme not in ("https", "http"):
        return "the URL must start with https://"
    if not parts.hostname:
        return "the URL has no host"
    if parts.username is not None or parts.password is not None:
        return "the URL must not carry a user name or password"
    if parts.fragment:
        return "the URL must not have a #fragment"
    if port == 0:
        return "the URL's port is not valid"
    if parts.scheme == "http" and not (_loopback_http_allowed() and _is_loopback_name(parts.hostname)):
        return "the URL must use https (plain http is refused)"
    return None


def _loopback_http_allowed() -> bool:
    return bool(getattr(settings, "HIE_JWKS_ALLOW_LOOPBACK_HTTP", False))


def _is_loopback_name(host: str) -> bool:
    if host == "localhost":
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _allowed_address(raw: str, *, loopback_ok: bool) -> bool:
    address = ipaddress.ip_address(raw.split("%", 1)[0])
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    if address.is_loopback:
        return loopback_ok
    return address.is_global and not address.is_multicast


def _resolve(host: str, port: int, *, loopback_ok: bool) -> str:
    """The address to connect to: every address the name resolves to must be allowed
    (one bad answer among good ones still refuses: the resolver could pick it)."""
    try:
        answers = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except (OSError, UnicodeError) as error:
        raise JwksError(f"the host {host!r} does not resolve ({error})") from None
    addresses = list(dict.fromkeys(str(answer[4][0]) for answer in answers))
    if not addresses:
        raise JwksError(f"the host {host!r} does not resolve")
    refused = [a for a in addresses if not _allowed_address(a, loopback_ok=loopback_ok)]
    if refused:
        raise JwksError(f"the host {host!r} resolves to a private or reserved address ({refused[0]}): refused")
    return addresses[0]


class _PinnedAdapter(HTTPAdapter):
    """Connects to the checked address while TLS (SNI and certificate check) uses the name."""

    def __init__(self, hostname: str) -> None:
        self._hostname = hostname
        super().__init__(max_retries=0)

    def init_poolmanager(self, *args: Any, **kwargs: Any) -> None:
        kwargs["server_hostname"] = self._hostname
        kwargs["assert_hostname"] = self._hostname
        super().init_poolmanager(*args, **kwargs)


def _download(url: str) -> bytes:
    """The body at ``url``, within the address rules, the time limit and the size cap."""
    problem = check_url_shape(url)
    if problem:
        raise JwksError(problem)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    loopback_ok = _loopback_http_allowed()
    address = _resolve(host, port, loopback_ok=loopback_ok)
    if parts.scheme == "http" and not ipaddress.ip_address(address.split("%", 1)[0]).is_loopback:
        raise JwksError("the URL must use https (plain http is refused)")
    literal = f"[{address}]" if ":" in address else address
    pinned = urlunsplit((parts.scheme, f"{literal}:{port}", parts.path or "/", parts.query, ""))
    host_header = host if parts.port is None else f"{host}:{parts.port}"
    timeout = _setting("HIE_JWKS_TIMEOUT_SECONDS", 5)
    limit = _setting("HIE_JWKS_MAX_BYTES", 64 * 1024)
    deadline = time.monotonic() + timeout
    session = requests.Session()
    session.trust_env = False  # no proxies or .netrc from the environment
    session.mount(f"{parts.scheme}://", _PinnedAdapter(host))
    try:
        with session.get(
            pinned,
            headers={"Host": host_header, "Accept": "application/jwk-set+json, application/json"},
            timeout=timeout,
            allow_redirects=False,
            stream=True,
        ) as response:
            if response.status_code != 200:
                raise JwksError(f"the server answered HTTP {response.status_code}, not 200")
            declared = response.headers.get("Content-Length", "")
            if declared.isdigit() and int(declared) > limit:
                raise JwksError(f"the JWK Set is larger than {limit} bytes")
            body = bytearray()
            while chunk := response.raw.read1(CHUNK_BYTES):  # whatever has arrived, not a full chunk
                body += chunk
                if len(body) > limit:
                    raise JwksError(f"the JWK Set is larger than {limit} bytes")
                if time.monotonic() > deadline:
                    raise JwksError(f"the server took longer than {timeout} s")
            return bytes(body)
    except JwksError:
        raise
    except Exception as error:  # noqa: BLE001 - any transport failure (requests' or urllib3's while streaming) is a refusal
        if isinstance(error, requests.Timeout) or "Timeout" in type(error).__name__:
            raise JwksError(f"the server took longer than {timeout} s") from None
        raise JwksError(f"the server could not be reached or read ({type(error).__name__})") from None
    finally:
        session.close()


def parse_jwks(raw: bytes) -> dict[str, Any]:
    """The JWK Set in ``raw``: JSON ``{"keys": [...]}`` with at least one public key PyJWT loads."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise JwksError("the answer is not JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("keys"), list):
        raise JwksError('the answer is not a JWK Set (a JSON object with a "keys" list)')
    keys = [key for key in data["keys"] if isinstance(key, dict)]
    if not keys:
        raise JwksError("the JWK Set has no keys")
    if any("d" in key for key in keys):
        raise JwksError("the JWK Set holds private key material: refused")
    try:
        jwt.PyJWKSet.from_dict({"keys": keys})
    except (jwt.PyJWKSetError, jwt.PyJWKError) as error:
        raise JwksError(f"the JWK Set has no usable key ({error})") from None
    return {"keys": keys}


def _cache_key(url: str, what: str) -> str:
    return f"hie:jwks:{what}:{hashlib.sha256(url.encode()).hexdigest()}"


def _fetch(url: str, client_id: str) -> dict[str, Any]:
    """Fetch now (the caller claimed the fetch slot), cache a good set, log a bad one."""
    try:
        jwks = parse_jwks(_download(url))
    except JwksError as error:
        logger.warning("jwks fetch failed", extra={"client_id": client_id, "jwks_url": url, "reason": str(error)})
        cache.set(_cache_key(url, "error"), str(error), _setting("HIE_JWKS_REFETCH_SECONDS", 60))
        raise
    cache.set(_cache_key(url, "set"), jwks, _setting("HIE_JWKS_CACHE_SECONDS", 300))
    cache.delete(_cache_key(url, "error"))
    logger.info("jwks fetched", extra={"client_id": client_id, "jwks_url": url, "keys": len(jwks["keys"])})
    return jwks


def _claim_fetch(url: str) -> bool:
    """At most one fetch per URL per HIE_JWKS_REFETCH_SECONDS (``cache.add`` is atomic)."""
    return bool(cache.add(_cache_key(url, "slot"), time.time(), _setting("HIE_JWKS_REFETCH_SECONDS", 60)))


def _kids(jwks: dict[str, Any]) -> set[str]:
    return {str(key.get("kid")) for key in jwks.get("keys", []) if key.get("kid") is not None}


def keys_from_url(url: str, kid: str | None, client_id: str) -> FetchedKeys:
    """The JWK Set at ``url``: from the cache, fetched when not cached, re-fetched (rate
    limited) when the wanted ``kid`` is not in the cached set. Raises ``JwksError``."""
    cached = cache.get(_cache_key(url, "set"))
    if cached is not None and (kid is None or kid in _kids(cached)):
        return FetchedKeys(cached)
    if not _claim_fetch(url):
        if cached is not None:
            return FetchedKeys(cached, refetch_refused=True)
        last_error = cache.get(_cache_key(url, "error")) or "it was fetched moments ago"
        raise JwksError(f"{last_error}; not fetched again yet (at most once a minute)")
    return FetchedKeys(_fetch(url, client_id))
