"""Children of re-sent records that the feed no longer lists (docs/formats/hsds-import.md, same title).

A record in the feed states its child lists (``readers.Row.lists``): in JSON, the list keys present
on it (``"phones": []`` says "no phones"; no ``phones`` key says nothing); in a tabular feed, the
table files present. A stored child of such a record that is nowhere in the feed is no longer listed:

- a 2-1-1 row (``source`` 211, written by an import: it has a feed digest) is deleted; or only
  unlinked from the re-sent record when it also hangs from a record this feed says nothing about (a
  phone of a service and of a location that is not in the feed);
- a row a partner owns (``partner_owned_fields``) that came from a feed is kept and reported as a
  ``conflict``, once: its feed digest is cleared, so from then on it is the partner's row;
- a row a partner or a reviewer added, or one made in Wayfinder itself (no feed digest), is kept;
- a 2-1-1 row that something other than the feed's own child rows points at (a program services use, a
  service_at_location a partner's schedule hangs from) is unlinked if it can be, otherwise kept and
  reported (a ``conflict`` when the other row is a partner's, else a ``warning``).

Removal cascades: the children of a deleted row are no longer listed either (the phones of a dropped
contact). Services, locations and organizations are records in their own right and never removed
here: referrals point at them, and ``--full`` deactivates services. Metadata is a change history and
is kept.

Everything is read in bulk: one query per 2,000 parents and relation finds the candidates, one per
2,000 candidates loads them; nothing is read per record. Two shortcuts: a relation no stored row
uses (languages of phones, attributes of schedules) is not searched (one indexed query tells), and a
table the feed covers whole (as many rows stored as the feed has: the usual full re-import) has no
candidates at all (one count).
"""

from __future__ import annotations

import uuid
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import cache
from typing import Any

from django.db import models
from django.db.models import Q

from wayfinder.directory.models import Attribute, Service, ServiceAtLocation, Source

from .report import CONFLICT, WARNING, Report
from .sqlwrite import db_uuids, estimated_rows, ids_where_in, update_column
from .tables import ORDER, TABLES, columns

BATCH = 2000
SOURCE_211, PARTNER = str(Source.TWO11.value), str(Source.PARTNER.value)
# Listed under an organization in HSDS, but records in their own right: never removed as children.
FIRST_CLASS = frozenset({"service", "location"})
ANY = "*"  # attribute.link_id may point at a row of any table


@dataclass(frozen=True)
class Relation:
    parent: str  # the re-sent record's table
    key: str  # the list that states these children ("phones"): the JSON key, and in Row.lists
    child: str
    fk: str  # the child's attname pointing at the parent


def _relations() -> tuple[Relation, ...]:
    out = []
    for parent, spec in TABLES.items():
        for key, child, kind, fk in spec.nest:
            if kind == "child" and child not in FIRST_CLASS:
                attname = {c.name: c.attname for c in columns(child)}[fk]
                out.append(Relation(parent, key, child, attname))
            elif kind == "link":  # attributes: link_id names the parent row
                out.append(Relation(parent, key, child, "link_id"))
    return tuple(out)


RELATIONS = _relations()
CHILDREN = tuple(t for t in ORDER if any(r.child == t for r in RELATIONS))  # parents before children
BY_CHILD = {t: tuple(r for r in RELATIONS if r.child == t) for t in CHILDREN}
KEYS = {t: frozenset(r.key for r in RELATIONS if r.parent == t) for t in ORDER if any(r.parent == t for r in RELATIONS)}
# For each child table: the columns it hangs from its parents by, and the table each points at.
LINKS = {child: {r.fk: ANY if r.fk == "link_id" else r.parent for r in rels} for child, rels in BY_CHILD.items()}


class Statements:
    """Which child lists each record of the feed states. Most records of a table state the same lists
    (in a tabular feed, all of them), so only the records that differ are kept by id."""

    def __init__(self) -> None:
        self.usual: dict[str, frozenset[str]] = {}
        self.unusual: dict[tuple[str, frozenset[str]], set[int]] = defaultdict(set)
        self._sig: dict[tuple[str, frozenset[str]], frozenset[str]] = {}

    def add(self, table: str, rid: int, lists: frozenset[str]) -> None:
        keys = KEYS.get(table)
        if keys is None:
            return
        sig = self._sig.get((table, lists))
        if sig is None:
            sig = lists & keys
            sig = self._sig[(table, lists)] = next((s for s in self._sig.values() if s == sig), sig)
        usual = self.usual.setdefault(table, sig)
        if sig is not usual and sig != usual:  # the same object for the same lists: usually no comparing
            self.unusual[(table, sig)].add(rid)

    def add_many(self, table: str, rids: list[int], lists: frozenset[str]) -> None:
        """``add`` for records that all state the same lists (a batch of one CSV file)."""
        if not rids or KEYS.get(table) is None:
            return
        self.add(table, rids[0], lists)
        sig = self._sig[(table, lists)]
        usual = self.usual[table]
        if sig is not usual and sig != usual:
            self.unusual[(table, sig)].update(rids)

    def identity(self, table: str, key: str) -> tuple[Any, ...]:
        """Equal for two lists that the same records of ``table`` state."""
        return table, key in self.usual.get(table, ()), frozenset(s for t, s in self.unusual if t == table and key in s)

    def parents(self, table: str, key: str, ok: set[int]) -> set[int]:
        """The records of ``table`` that landed (``ok``) and state ``key``."""
        if key in self.usual.get(table, ()):
            others = [ids for (t, s), ids in self.unusual.items() if t == table and key not in s]
            return ok.difference(*others) if others else ok
        found: set[int] = set()
        for (t, s), ids in self.unusual.items():
            if t == table and key in s:
                found |= ids
        return found & ok


def chunks(items: Iterable[Any], size: int = BATCH) -> Iterator[list[Any]]:
    chunk: list[Any] = []
    for item in items:
        chunk.append(item)
        if len(chunk) == size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


@cache
def _references(child: str) -> tuple[tuple[models.ForeignObjectRel, bool], ...]:
    """Everything that points at ``child`` rows, and whether it is another child table's nullable link
    (Django's delete() clears those; a 2-1-1 row there does not keep the parent)."""
    child_models = {TABLES[t].model for t in CHILDREN}
    return tuple(
        (rel, rel.related_model in child_models and rel.on_delete is models.SET_NULL)
        for rel in TABLES[child].model._meta.related_objects
    )


@dataclass
class Outcome:
    removed: Counter = field(default_factory=Counter)
    unlinked: Counter = field(default_factory=Counter)
    conflicts: int = 0
    # parent table (or ANY) -> ids of the records whose children changed
    touched: dict[str, set[uuid.UUID]] = field(default_factory=lambda: defaultdict(set))


class Pruner:
    """Plans (``plan``) then writes (``execute``) the removals for one import."""

    def __init__(
        self, statements: Statements, ok: dict[str, set[int]], failed: dict[str, set[int]], report: Report, where: str
    ) -> None:
        self.statements, self.ok, self.failed, self.report, self.where = statements, ok, failed, report, where
        self.delete: dict[str, set[uuid.UUID]] = defaultdict(set)
        self.unlink: dict[str, dict[str, set[uuid.UUID]]] = defaultdict(lambda: defaultdict(set))
        self.clear_hash: dict[str, list[tuple[uuid.UUID, str]]] = defaultdict(list)
        self.outcome = Outcome()
        self._parents: dict[tuple[Any, ...], tuple[set[int], list[list[Any]]]] = {}
        self._entities: frozenset[str] | None = None

    def plan(self) -> Outcome:
        for child in CHILDREN:
            self.plan_table(child)
        return self.outcome

    def stating(self, rel: Relation) -> tuple[set[int], list[list[Any]]]:
        """The parents whose ``rel`` list the feed states, as ints and as database values in chunks
        (kept: a service's nine lists are usually stated by the same services)."""
        ident = self.statements.identity(rel.parent, rel.key)
        if ident not in self._parents:
            ints = self.statements.parents(rel.parent, rel.key, self.ok[rel.parent])
            self._parents[ident] = (ints, [db_uuids(chunk) for chunk in chunks(ints)])
        return self._parents[ident]

    @staticmethod
    def all_in_feed(model: type[models.Model], in_feed: int) -> bool:
        """Every stored row is in the feed: the feed's rows are all stored by now, so equal counts say so.
        Counted only when the feed plausibly has the whole table (a count is a scan on PostgreSQL)."""
        if not in_feed:
            return False
        estimate = estimated_rows(model)
        return estimate is not None and in_feed >= 0.9 * estimate and model.objects.count() == in_feed

    def in_use(self, rel: Relation) -> bool:
        """Whether any stored row hangs from a ``rel.parent`` row this way (one indexed query)."""
        model = TABLES[rel.child].model
        if rel.fk != "link_id":
            return model.objects.filter(**{f"{rel.fk}__isnull": False}).exists()
        if self._entities is None:
            self._entities = frozenset(model.objects.values_list("link_entity", flat=True).distinct())
        # link_entity names the parent's table; a name we do not know could be any table
        return rel.parent in self._entities or not self._entities <= set(TABLES)

    def plan_table(self, child: str) -> None:
        model, links = TABLES[child].model, LINKS[child]
        in_feed, rejected = self.ok.get(child, set()), self.failed.get(child, set())
        if self.all_in_feed(model, len(in_feed)):
            return
        spoken: dict[str, list[set[int]]] = defaultdict(list)  # per link column: the parents the feed speaks for
        candidates: set[int] = set()
        for rel in BY_CHILD[child]:
            ints, prepared = self.stating(rel)
            dropped = {u.int for u in self.delete.get(rel.parent, ())}  # a deleted row lists no children any more
            if not (ints or dropped) or not self.in_use(rel):
                continue
            spoken[rel.fk] += [ints, dropped]
            for chunk in [*prepared, *map(db_uuids, chunks(dropped))]:
                candidates.update(i for i in ids_where_in(model, rel.fk, chunk) if i not in in_feed)
        candidates -= rejected  # in the feed, but invalid this time: still listed
        fields = ["id", "source", "partner_owned_fields", "feed_hash", *links]
        for chunk in chunks(candidates):
            rows = list(model.objects.filter(id__in=[uuid.UUID(int=i) for i in chunk]).values(*fields))
            needed = self.needed(child, [r["id"] for r in rows])
            for row in rows:
                hit = [fk for fk in links if row[fk] is not None and any(row[fk].int in s for s in spoken[fk])]
                self.decide(child, row, hit, needed.get(row["id"]))

    def needed(self, child: str, ids: list[uuid.UUID]) -> dict[uuid.UUID, tuple[str, str]]:
        """Rows that something other than the feed's own child rows points at: (severity, what) for each.
        A partner's row hanging from one is a conflict; anything else (a service using a program) a warning."""
        found: dict[uuid.UUID, tuple[str, str]] = {}
        for rel, child_link in _references(child):
            attname, name = rel.field.attname, rel.related_model._meta.model_name
            refs = rel.related_model._base_manager.filter(**{f"{attname}__in": ids})
            if not child_link:
                for target, ref in refs.values_list(attname, "pk"):
                    found.setdefault(target, (WARNING, f"{name} {ref}"))
                continue
            # another child table: only a row that is not the feed's own keeps this one
            refs = refs.exclude(Q(source=SOURCE_211, partner_owned_fields=[]) & ~Q(feed_hash=""))
            for target, ref, source, owned in refs.values_list(attname, "pk", "source", "partner_owned_fields"):
                found.setdefault(target, (CONFLICT if source == PARTNER or owned else WARNING, f"{name} {ref}"))
        return found

    def decide(self, child: str, row: dict[str, Any], hit: list[str], needed: tuple[str, str] | None) -> None:
        links, rid = LINKS[child], row["id"]
        if row["partner_owned_fields"]:
            if row["feed_hash"]:
                under = ", ".join(f"{links[fk]} {row[fk]}" for fk in hit)
                self.keep(CONFLICT, child, rid, f"partner-owned record kept; the feed no longer lists it under {under}")
                self.clear_hash[child].append((rid, ""))  # reported once: from now on it is the partner's row
            return
        if row["source"] != SOURCE_211 or not row["feed_hash"]:
            return  # a partner or a reviewer added it, or it was made here: not the feed's to remove
        rest = [fk for fk in links if row[fk] is not None and fk not in hit]
        if rest and all(TABLES[child].model._meta.get_field(fk).null for fk in hit):
            for fk in hit:  # still listed under a record this feed says nothing about
                self.unlink[child][fk].add(rid)
            self.outcome.unlinked[child] += 1
        elif needed or rest:
            severity, what = needed or (WARNING, "a required link")
            self.keep(severity, child, rid, f"kept although the feed no longer lists it: {what} depends on it")
            return
        else:
            self.delete[child].add(rid)
            self.outcome.removed[child] += 1
        for fk in hit:
            self.outcome.touched[links[fk]].add(row[fk])

    def keep(self, severity: str, child: str, rid: uuid.UUID, reason: str) -> None:
        self.report.add(severity, self.where, child, rid, "", reason)
        if severity == CONFLICT:
            self.outcome.conflicts += 1

    def execute(self) -> None:
        """Unlink, then delete children before parents. Django's delete() clears the links that other
        child rows (ones in the feed, or a partner's) still have to a deleted row."""
        for child, pairs in self.clear_hash.items():
            update_column(TABLES[child].model, "feed_hash", pairs)
        for child, by_fk in self.unlink.items():
            model = TABLES[child].model
            for fk, ids in by_fk.items():
                for chunk in chunks(ids):
                    model.objects.filter(id__in=chunk).update(**{fk: None})
        for child in reversed(CHILDREN):
            model = TABLES[child].model
            for chunk in chunks(self.delete.get(child, ())):
                model.objects.filter(id__in=chunk).delete()


def services_of(
    touched: dict[str, set[uuid.UUID]], organizations: Iterable[uuid.UUID] = (), terms: Iterable[uuid.UUID] = ()
) -> set[uuid.UUID]:
    """The services whose page or search document shows something under the touched records (read
    before they are deleted), the services of ``organizations`` and those filed under ``terms`` (a
    changed term's name is in their search keywords; a term merely linked by a new attribute is not
    followed, or one new link would re-index every service under "Food Pantries"). What hangs from an organization
    alone (identifiers, funding, its own phones and contacts) is on no service page or search
    document, so a touched organization is not followed; a changed one (its name) is."""
    touched = defaultdict(set, {k: set(v) for k, v in touched.items()})
    for table in ("phone", "contact"):  # upwards: a phone's language, a contact's phone
        model = TABLES[table].model
        for chunk in chunks(touched[table]):
            for row in model.objects.filter(id__in=chunk).values(*LINKS[table]):
                for fk, value in row.items():
                    if value is not None:
                        touched[LINKS[table][fk]].add(value)
    services = set(touched["service"])
    for chunk in chunks(touched["service_at_location"]):
        services.update(ServiceAtLocation.objects.filter(id__in=chunk).values_list("service_id", flat=True))
    for chunk in chunks(touched["location"]):
        services.update(ServiceAtLocation.objects.filter(location_id__in=chunk).values_list("service_id", flat=True))
    for chunk in chunks(terms):
        services.update(
            Attribute.objects.filter(taxonomy_term_id__in=chunk, link_entity="service").values_list(
                "link_id", flat=True
            )
        )
    for chunk in chunks(touched[ANY] - services):
        services.update(Service.objects.filter(id__in=chunk).values_list("id", flat=True))
    for chunk in chunks(organizations):
        services.update(Service.objects.filter(organization_id__in=chunk).values_list("id", flat=True))
    return services
