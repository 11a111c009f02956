"""The exchange's clients and their credentials (docs/exchange.md, "Authentication").

A clinical system (the health information exchange, a hospital's EHR) talks to the
FHIR server as a registered ``ExchangeClient``. It proves who it is with a signed
JWT (SMART Backend Services) against the public keys registered here, and gets a
short-lived opaque access token, stored only as a hash (``IssuedToken``). Each
assertion's ``jti`` is kept until the assertion expires (``UsedAssertion``) so a
captured assertion cannot be replayed.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _


class ExchangeClient(models.Model):
    """A system allowed to call /fhir/ (registered by a system administrator in admin)."""

    name = models.CharField(_("name"), max_length=200)
    client_id = models.CharField(_("client id"), max_length=200, unique=True)
    # The client's public keys: a JWK Set given inline, and/or a jwks_url where the client
    # publishes them, fetched (https, public addresses, size- and time-capped, cached) by
    # the token endpoint (fhir/jwks.py, docs/exchange.md "Authentication").
    jwks = models.JSONField(_("public keys (JWK Set)"), default=dict, blank=True)
    jwks_url = models.URLField(_("JWK Set URL"), blank=True)
    allowed_scopes = models.TextField(
        _("allowed scopes"),
        blank=True,
        help_text=_("Space-separated, e.g. system/Observation.write system/Patient.read"),
    )
    participant_name = models.CharField(
        _("participant name"), max_length=200, help_text=_("Who the client speaks for, shown as a need's source.")
    )
    organization = models.ForeignKey(
        "directory.Organization",
        verbose_name=_("organization"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="exchange_clients",
    )
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("exchange client")
        verbose_name_plural = _("exchange clients")

    def __str__(self) -> str:
        return f"{self.name} ({self.client_id})"

    @property
    def allowed_scope_set(self) -> frozenset[str]:
        return frozenset(self.allowed_scopes.split())


class IssuedToken(models.Model):
    """An access token handed out by /fhir/auth/token. Only its SHA-256 is stored."""

    token_hash = models.CharField(max_length=64, unique=True)
    client = models.ForeignKey(ExchangeClient, on_delete=models.CASCADE, related_name="tokens")
    scopes = models.TextField()
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        verbose_name = _("issued token")
        verbose_name_plural = _("issued tokens")

    def __str__(self) -> str:
        return f"token for {self.client.client_id} until {self.expires_at:%Y-%m-%d %H:%M}"


class UsedAssertion(models.Model):
    """A client assertion's ``jti``, kept until it expires: the same one is refused."""

    client = models.ForeignKey(ExchangeClient, on_delete=models.CASCADE, related_name="used_assertions")
    jti = models.CharField(max_length=255)
    expires_at = models.DateTimeField(db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["client", "jti"], name="hie_assertion_jti_once")]
        verbose_name = _("used client assertion")
        verbose_name_plural = _("used client assertions")

    def __str__(self) -> str:
        return f"{self.client.client_id}: {self.jti}"


class SharingChoice(models.Model):
    """A resident's privacy setting for the exchange (docs/security.md, "Sharing with the
    health information exchange"): whether their needs and assessments may be given to
    the exchange's clients. No row means the default, shared (HIPAA treatment and care
    coordination); a resident who says no is withheld from every answer."""

    resident = models.OneToOneField("residents.Resident", on_delete=models.CASCADE, related_name="exchange_sharing")
    share = models.BooleanField(_("share with the health information exchange"), default=True)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("exchange sharing choice")
        verbose_name_plural = _("exchange sharing choices")

    def __str__(self) -> str:
        return f"{self.resident_id}: {'shared' if self.share else 'withheld'}"


from wayfinder.integrations.hie.inbound.models import MatchQueueItem, ReceivedResource  # noqa: E402, F401
from wayfinder.integrations.hie.tasks.models import ServiceRequestRecord, Subscription, TaskRecord  # noqa: E402, F401
