"""Figures remembered between page views until the facts or tallies change.

Most of a dashboard is a few small indexed sums of tallies, but two reads grow
with the data: distinct residents over a span the job does not count ahead
(``queries.unique_residents``: a month of the state's referral facts is ~30,000
index entries at 1,000,000 referrals) and the organization ranking
(``queries.top_scopes``: every organization's tallies over the span). Their
results are kept in the cache under a *generation* token, and every write to the
facts or tallies (``refresh.apply`` and ``refresh._save_facts``) draws a new
token, so a remembered figure is never read after the data it came from changed.

The token is replaced twice: at the write, so the writing transaction itself
reads fresh figures, and again when that transaction commits, so a figure another
request computed from the not-yet-committed state is never reused. A lost cache
just means a fresh token and one recomputation.
"""

from __future__ import annotations

import hashlib
import uuid
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import transaction

GENERATION_KEY = "metrics:generation"
# Short: a busy state draws a new token every minute, and the old keys are then dead
# weight in the database cache until they expire or are culled.
TIMEOUT = 15 * 60
T = TypeVar("T")


def _generation() -> str:
    token = cache.get(GENERATION_KEY)
    if token is None:
        token = uuid.uuid4().hex
        cache.add(GENERATION_KEY, token, None)
        token = cache.get(GENERATION_KEY) or token
    return token


def _new_generation() -> None:
    cache.set(GENERATION_KEY, uuid.uuid4().hex, None)


def changed() -> None:
    """The facts or tallies changed: forget every remembered figure."""
    _new_generation()
    transaction.on_commit(_new_generation)


def remembered(name: str, args: tuple, compute: Callable[[], T]) -> T:
    """``compute()``, or its result from an earlier call with the same ``name``
    and ``args`` since the last change."""
    digest = hashlib.sha256("|".join(str(a) for a in args).encode()).hexdigest()[:32]
    key = f"metrics:{_generation()}:{name}:{digest}"  # short and plain, as every cache backend wants
    value = cache.get(key)
    if value is None:
        value = compute()
        cache.set(key, value, TIMEOUT)
    return value
