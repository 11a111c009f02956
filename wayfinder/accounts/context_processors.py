from django.http import HttpRequest

from . import roles as roles_module


def roles(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"wf_roles": {"is_staff_user": False, "memberships": [], "global_roles": set()}}
    return {
        "wf_roles": {
            "is_staff_user": roles_module.requires_mfa(user),
            "memberships": roles_module.active_memberships(user),
            "global_roles": roles_module.global_roles(user),
            "is_system_admin": roles_module.is_system_admin(user),
        }
    }
