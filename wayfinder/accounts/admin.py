"""Django admin for people and their roles. Roles change only through the
``grant_role`` / ``revoke_role`` actions (audited: who, whom, what), here too."""

from allauth.account.admin import EmailAddressAdmin as AllauthEmailAddressAdmin
from allauth.account.models import EmailAddress
from allauth.mfa.admin import AuthenticatorAdmin as AllauthAuthenticatorAdmin
from allauth.mfa.models import Authenticator
from allauth.socialaccount.admin import SocialAccountAdmin as AllauthSocialAccountAdmin
from allauth.socialaccount.models import SocialAccount, SocialApp, SocialToken
from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.models import Group

from wayfinder.audit import names
from wayfinder.audit.admin_mixins import AuditedAdmin, form_changes, log_admin

from . import actions
from .models import GlobalRole, Membership, User

# Roles are rows (Membership, GlobalRole), never Django groups: nothing to edit here.
admin.site.unregister(Group)


class MembershipInline(admin.TabularInline):
    """Shown on the person's page; granted and revoked on the Membership pages."""

    model = Membership
    extra = 0
    fields = ("organization", "role", "is_active", "created_at", "deactivated_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


class GlobalRoleInline(admin.TabularInline):
    model = GlobalRole
    extra = 0
    fields = ("role", "is_active", "granted_at", "revoked_at")
    readonly_fields = fields
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(User)
class UserAdmin(AuditedAdmin, DjangoUserAdmin):
    ordering = ("email",)
    list_display = ("email", "full_name", "is_active", "is_staff", "date_joined")
    search_fields = ("email", "full_name")
    list_filter = ("is_active", "is_staff", "is_superuser")
    inlines = [MembershipInline, GlobalRoleInline]
    fieldsets = (
        (None, {"fields": ("email", "password")}),
        ("Person", {"fields": ("full_name", "phone", "preferred_language")}),
        ("Access", {"fields": ("is_active", "is_staff", "is_superuser", "deactivated_at")}),
        ("Dates", {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = ((None, {"classes": ("wide",), "fields": ("email", "password1", "password2")}),)

    def save_model(self, request, obj, form, change) -> None:
        """The two Django flags are roles: they change through the role actions."""
        flags = {actions.SUPERUSER: "is_superuser", actions.ADMIN_SITE: "is_staff"}
        wanted = {role: getattr(obj, attribute) for role, attribute in flags.items()}
        if change:
            stored = User.objects.get(pk=obj.pk)
            for attribute in flags.values():
                setattr(obj, attribute, getattr(stored, attribute))
        super().save_model(request, obj, form, change)
        for role, value in wanted.items():
            do = actions.grant_role if value else actions.revoke_role
            do(actor=request.user, user=obj, role=role, via="django_admin")

    def user_change_password(self, request, id, form_url=""):
        response = super().user_change_password(request, id, form_url)
        if request.method == "POST" and response.status_code == 302:
            user = User.objects.get(pk=id)
            log_admin(request, names.ADMIN_CHANGED, user, {"changes": {"password": {"before": "", "after": ""}}})
        return response


class RoleAdmin(AuditedAdmin):
    """Add a role, or change whether it is active: both go through the actions.
    Rows are never deleted (history stays attributable)."""

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_readonly_fields(self, request, obj=None):
        return self.identity_fields if obj is not None else ()

    def save_model(self, request, obj, form, change) -> None:
        if not change or obj.is_active:
            actions.grant_role(actor=request.user, user=obj.user, via="django_admin", **self.role_of(obj))
        else:
            actions.revoke_role(actor=request.user, user=obj.user, via="django_admin", **self.role_of(obj, stored=True))
        saved = self.find(obj)
        obj.pk = saved.pk
        obj.refresh_from_db()
        if form_changes(form):
            log_admin(
                request, names.ADMIN_CHANGED if change else names.ADMIN_ADDED, obj, {"changes": form_changes(form)}
            )

    def save_related(self, request, form, formsets, change) -> None:
        """Nothing related to save (and ``form.save_m2m`` would save the instance again)."""


@admin.register(GlobalRole)
class GlobalRoleAdmin(RoleAdmin):
    list_display = ("user", "role", "is_active", "granted_at", "revoked_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email",)
    raw_id_fields = ("user",)
    fields = ("user", "role", "is_active")
    identity_fields = ("user", "role")

    def role_of(self, obj, stored: bool = False) -> dict:
        return {"role": obj.role}

    def find(self, obj):
        return GlobalRole.objects.filter(user=obj.user, role=obj.role).order_by("-is_active", "-granted_at").first()


@admin.register(Membership)
class MembershipAdmin(RoleAdmin):
    list_display = ("user", "organization", "role", "is_active", "created_at")
    list_filter = ("role", "is_active")
    search_fields = ("user__email", "organization__name")
    raw_id_fields = ("user", "organization")
    fields = ("user", "organization", "role", "is_active")
    identity_fields = ("user", "organization")

    def role_of(self, obj, stored: bool = False) -> dict:
        role = Membership.objects.get(pk=obj.pk).role if stored and obj.pk else obj.role
        return {"role": role, "organization": obj.organization}

    def find(self, obj):
        return Membership.objects.get(user=obj.user, organization=obj.organization)


admin.site.unregister(EmailAddress)


@admin.register(EmailAddress)
class EmailAddressAdmin(AuditedAdmin, AllauthEmailAddressAdmin):
    pass


admin.site.unregister(Authenticator)


@admin.register(Authenticator)
class AuthenticatorAdmin(AuditedAdmin, AllauthAuthenticatorAdmin):
    """Support may remove a lost authenticator (the person enrols again); the secret
    itself is never shown or edited here."""

    readonly_fields = ("user", "type", "data", "created_at", "last_used_at")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def get_fields(self, request, obj=None):
        return ("user", "type", "created_at", "last_used_at")


# State sign-in (docs/operations.md, "Single sign-on with the state identity provider (issue #20)"):
# the provider is configured by environment variables, never in the database, and provider tokens
# are not stored — nothing to edit or show.
admin.site.unregister(SocialApp)
admin.site.unregister(SocialToken)
admin.site.unregister(SocialAccount)


@admin.register(SocialAccount)
class SocialAccountAdmin(AuditedAdmin, AllauthSocialAccountAdmin):
    """Support may unlink a state sign-in (the person links again at their next sign-in); the link
    itself is made only by signing in, so it is never added or edited here."""

    readonly_fields = ("user", "provider", "uid", "last_login", "date_joined", "extra_data")

    def has_add_permission(self, request, obj=None) -> bool:
        return False
