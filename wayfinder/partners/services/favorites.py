"""An organization's shared list of services its staff refer to often."""

from __future__ import annotations

from django.db import transaction
from django.db.models import Max

from wayfinder.audit.log import log_action
from wayfinder.audit.names import PARTNER_FAVORITE_ADDED, PARTNER_FAVORITE_MOVED, PARTNER_FAVORITE_REMOVED

from ..models import Favorite


@transaction.atomic
def add_favorite(organization, service, user) -> tuple[Favorite, bool]:
    """Add ``service`` at the end of the list; adding it twice changes nothing."""
    existing = Favorite.objects.filter(organization=organization, service=service).first()
    if existing is not None:
        return existing, False
    last = Favorite.objects.filter(organization=organization).aggregate(last=Max("position"))["last"]
    favorite = Favorite.objects.create(
        organization=organization, service=service, position=(last or 0) + 1, added_by=user
    )
    log_action(user, PARTNER_FAVORITE_ADDED, favorite, organization=organization, data={"service": str(service.pk)})
    return favorite, True


@transaction.atomic
def remove_favorite(favorite: Favorite, user) -> None:
    log_action(
        user,
        PARTNER_FAVORITE_REMOVED,
        favorite,
        organization=favorite.organization_id,
        data={"service": str(favorite.service_id)},
    )
    favorite.delete()


@transaction.atomic
def move_favorite(favorite: Favorite, direction: str, user) -> bool:
    """Swap with the neighbour above ("up") or below ("down"); positions are
    renumbered first so gaps and ties from earlier removals cannot confuse it."""
    items = list(Favorite.objects.select_for_update().filter(organization_id=favorite.organization_id))
    items.sort(key=lambda f: (f.position, f.pk))
    index = next(i for i, f in enumerate(items) if f.pk == favorite.pk)
    target = index - 1 if direction == "up" else index + 1
    if direction not in ("up", "down") or not 0 <= target < len(items):
        return False
    items[index], items[target] = items[target], items[index]
    for position, item in enumerate(items, start=1):
        if item.position != position:
            item.position = position
            item.save(update_fields=["position"])
    log_action(
        user, PARTNER_FAVORITE_MOVED, favorite, organization=favorite.organization_id, data={"direction": direction}
    )
    return True
