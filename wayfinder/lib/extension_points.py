"""Explicit links between apps: extension points that one app declares and others fill.

An app that needs something from an app *above* it in the layers (docs/architecture.md)
never imports it and never looks it up by a module name in a string: it declares an
``ExtensionPoint``, and the app that has the answer registers a provider in its
``AppConfig.ready()``::

    # consent/extension_points.py  (the owner declares)
    LIMITED_ACCESS_LINKS = ExtensionPoint(
        "consent.limited_access_links",
        "Links between an organization and a resident that allow the limited record.",
        required={"referrals": "a referral lets both organizations see the limited record"},
    )

    # referrals/apps.py  (the provider fills, in ready())
    LIMITED_ACCESS_LINKS.register("referrals", hooks.organization_has_referral, label="referral")

A provider the owner marks ``required`` carries a product rule: when it is missing
(renamed, its registration deleted, its app removed) the system check below fails
at start-up (``manage.py check``, ``runserver``, ``migrate``, the WSGI entry point
and the test suite all run it), instead of the rule quietly disappearing.
Optional providers (the assessment sections, say) may come and go.

Why a registry rather than imports: the dependency must point *down* the layers;
the owner is lower than the provider, so only the provider may import.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

from django.core import checks
from django.core.exceptions import ImproperlyConfigured

F = TypeVar("F", bound=Callable[..., Any])

CHECK_TAG = "wayfinder_links"


@dataclass(frozen=True)
class Provider(Generic[F]):
    key: str
    function: F
    order: int = 100
    label: str = ""


class ExtensionPoint(Generic[F]):
    """A named place where providers plug in (see the module docstring)."""

    def __init__(self, name: str, doc: str, *, required: Mapping[str, str] | None = None) -> None:
        if name in _POINTS:
            raise ImproperlyConfigured(f"extension point {name!r} is declared twice")
        self.name = name
        self.doc = doc
        # provider key -> the rule it carries (shown when it is missing)
        self.required: dict[str, str] = dict(required or {})
        self._providers: dict[str, Provider[F]] = {}
        _POINTS[name] = self

    def register(self, key: str, function: F, *, order: int = 100, label: str = "") -> F:
        """Add a provider. ``key`` names it ("<app>.<what>"); ``order`` sorts page
        sections; ``label`` is free for the owner (e.g. the audit legal basis)."""
        if not callable(function):
            raise ImproperlyConfigured(f"{self.name}: provider {key!r} is not callable")
        existing = self._providers.get(key)
        if existing is not None and existing.function is not function:
            raise ImproperlyConfigured(f"{self.name}: provider {key!r} is registered twice")
        self._providers[key] = Provider(key, function, order, label)
        return function

    def providers(self) -> list[Provider[F]]:
        """Registered providers, by ``order`` then key (a stable page order)."""
        return sorted(self._providers.values(), key=lambda p: (p.order, p.key))

    def __iter__(self) -> Iterator[F]:
        return iter([provider.function for provider in self.providers()])

    def missing(self) -> list[str]:
        return sorted(set(self.required) - set(self._providers))

    @contextmanager
    def without(self, key: str) -> Iterator[None]:
        """Take a provider out for the duration (how a test proves its absence is caught)."""
        removed = self._providers.pop(key, None)
        try:
            yield
        finally:
            if removed is not None:
                self._providers[key] = removed

    def __repr__(self) -> str:
        return f"<ExtensionPoint {self.name}: {', '.join(self._providers) or 'no providers'}>"


_POINTS: dict[str, ExtensionPoint[Any]] = {}


def extension_points() -> list[ExtensionPoint[Any]]:
    return [_POINTS[name] for name in sorted(_POINTS)]


@checks.register(CHECK_TAG)
def check_required_providers(app_configs: Any = None, **kwargs: Any) -> list[checks.CheckMessage]:
    """wayfinder.E001: a provider that carries a product rule is missing."""
    errors: list[checks.CheckMessage] = []
    for point in extension_points():
        for key in point.missing():
            errors.append(
                checks.Error(
                    f"Extension point {point.name!r} has no provider {key!r}: {point.required[key]}.",
                    hint="Register it in the providing app's AppConfig.ready() (docs/architecture.md).",
                    obj=point.name,
                    id="wayfinder.E001",
                )
            )
    return errors


def verify() -> None:
    """Raise when a required provider is missing (for entry points that run no checks)."""
    errors = check_required_providers()
    if errors:
        raise ImproperlyConfigured("; ".join(error.msg for error in errors))
