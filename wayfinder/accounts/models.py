"""People who sign in, and the roles they hold.

A role is data, not a Django group: a user is *staff or admin of an organization*
through a ``Membership`` (an organization may be a community partner, a state
agency, a hospital or a provider office), and may also hold *global* roles that
belong to no organization (United Way reviewer, referral specialist, system
administrator). Every staff role requires MFA (docs/security.md, "Authentication and sessions").
"""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.base_user import AbstractBaseUser, BaseUserManager
from django.contrib.auth.models import PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext_lazy as _


class UserManager(BaseUserManager["User"]):
    use_in_migrations = True

    def create_user(self, email: str, password: str | None = None, **fields) -> User:
        if not email:
            raise ValueError("An email address is required")
        user = self.model(email=self.normalize_email(email).lower(), **fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email: str, password: str | None = None, **fields) -> User:
        fields.setdefault("is_staff", True)
        fields.setdefault("is_superuser", True)
        user = self.create_user(email, password, **fields)
        GlobalRole.objects.get_or_create(user=user, role=GlobalRole.Role.SYSTEM_ADMIN)
        return user


class User(AbstractBaseUser, PermissionsMixin):
    """An account, keyed by email. ``is_staff`` only means "may open Django admin"."""

    email = models.EmailField(_("email address"), unique=True)
    full_name = models.CharField(_("full name"), max_length=200, blank=True)
    phone = models.CharField(_("phone"), max_length=32, blank=True)
    preferred_language = models.CharField(max_length=8, choices=settings.LANGUAGES, default="en")
    is_active = models.BooleanField(default=True)
    is_staff = models.BooleanField(default=False)
    date_joined = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)
    # Raised when the account's MFA changes (TOTP added, removed or replaced,
    # recovery codes regenerated): every session signed with the old value ends at
    # its next request (``accounts.sessions.end_other_sessions`` keeps the current one).
    credentials_epoch = models.PositiveIntegerField(default=0, editable=False)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: list[str] = []

    class Meta:
        ordering = ["email"]

    def __str__(self) -> str:
        return self.full_name or self.email

    def get_full_name(self) -> str:
        return self.full_name or self.email

    def get_short_name(self) -> str:
        return self.full_name.split(" ")[0] if self.full_name else self.email

    # Django ends a session whose stored hash no longer matches the user's (that is
    # how a password change signs out other devices). The hash also covers
    # ``credentials_epoch``, so an MFA change does the same. At epoch 0 the hash is
    # exactly Django's, so sessions made before this field existed stay valid.
    def _get_session_auth_hash(self, secret=None) -> str:
        material = self.password if not self.credentials_epoch else f"{self.password}\x00{self.credentials_epoch}"
        return salted_hmac(
            "django.contrib.auth.models.AbstractBaseUser.get_session_auth_hash",
            material,
            secret=secret,
            algorithm="sha256",
        ).hexdigest()


class Membership(models.Model):
    """A user's role at one organization. Deactivation keeps the row (history and
    authorship stay attributable) and ends access at once."""

    class Role(models.TextChoices):
        ADMIN = "admin", _("Admin")
        STAFF = "staff", _("Staff")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="memberships")
    organization = models.ForeignKey("directory.Organization", on_delete=models.PROTECT, related_name="memberships")
    role = models.CharField(max_length=16, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    created_at = models.DateTimeField(default=timezone.now)
    role_changed_at = models.DateTimeField(default=timezone.now)
    deactivated_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "organization"], name="one_membership_per_org"),
        ]
        indexes = [models.Index(fields=["organization", "is_active"])]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()} at {self.organization_id}"


class GlobalRole(models.Model):
    """A role that belongs to no organization."""

    class Role(models.TextChoices):
        REVIEWER = "reviewer", _("United Way reviewer")
        SPECIALIST = "specialist", _("Referral specialist")
        SYSTEM_ADMIN = "system_admin", _("System administrator")

    user = models.ForeignKey(User, on_delete=models.PROTECT, related_name="global_roles")
    role = models.CharField(max_length=32, choices=Role.choices)
    is_active = models.BooleanField(default=True)
    granted_at = models.DateTimeField(default=timezone.now)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "role"], condition=Q(is_active=True), name="one_active_global_role"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.user} — {self.get_role_display()}"
