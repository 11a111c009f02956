"""The row check of checker.py, a batch at a time: the same values for the common case, in C loops.

A row this check cannot vouch for (anything to normalize, anything wrong) is left to
``checker.check_row``, so that its notes and errors are exactly the per-row check's.
"""

from __future__ import annotations

import re
from collections import defaultdict
from itertools import repeat
from operator import itemgetter
from typing import Any

from .checker import CONVERTED, ID, NULL_TEXT, PLAIN, PRE_CHANGES, PRE_FIELD, WS, Converter, match_uuid, plan

_NONE, _STR = type(None), str
_UUIDS = re.compile(r"(?:[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12})*")


def canonical_hex(values: list[Any]) -> list[str] | None:
    """The ids as 32-digit hex when every one is a canonical UUID text (what ``IdMap`` gives them,
    checked and converted by a few C loops for the whole batch); else None."""
    if set(map(type, values)) != {str} or set(map(len, values)) != {36}:
        return None
    joined = "".join(values)
    if not _UUIDS.fullmatch(joined):
        return None
    text = joined.replace("-", "").lower()
    return [text[i : i + 32] for i in range(0, len(text), 32)]


def precheck(table: str, raws: list[dict[str, Any]], *, from_text: bool) -> list[dict[str, Any] | None]:
    """``check_row``'s result for every row of the batch whose values are all the common case (empty,
    or text that needs no normalization and breaks no rule); None for the others, which go through
    ``check_row`` so that their notes and errors are exactly its own.

    Measured: ``check_row`` was a third of a first import. Here the work goes column by column, so
    that most of it runs in C loops (``map``, ``set``, ``join``, list comparison) instead of a few
    Python operations per value; a converted column (dates, enumerations, addresses) converts each
    distinct value once. Pure: records no note and raises nothing for bad input (a row it cannot
    vouch for is simply None). ``test_row_checker_matches_schema`` checks it agrees with check_row."""
    out: list[dict[str, Any] | None] = [None] * len(raws)
    known = plan(table).by_name
    groups: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for i, raw in enumerate(raws):
        groups[tuple(raw)].append(i)
    for keys, index in groups.items():
        names = [name for name in keys if name in known]
        if not names:
            continue
        rows = [raws[i] for i in index]
        # the batch turned into columns by two C loops (a tuple per row, then transposed)
        if len(names) == 1:
            columns_in = [[r[names[0]] for r in rows]]
        else:
            columns_in = [list(c) for c in zip(*map(itemgetter(*names), rows), strict=True)]
        for i, values in zip(index, precheck_columns(table, names, columns_in, from_text=from_text), strict=True):
            out[i] = values
    return out


def precheck_columns(
    table: str, names: list[str], columns_in: list[list[Any]], *, from_text: bool
) -> list[dict[str, Any] | None]:
    """``precheck`` for rows that all carry the fields ``names``, given as columns (``columns_in[j]``
    holds field ``names[j]`` of every row): a CSV batch is already this shape once transposed, so no
    dict is made for a row before it is checked."""
    p = plan(table)
    size = len(columns_in[0]) if columns_in else 0
    out: list[dict[str, Any] | None] = [None] * size
    entries = [(name, p.by_name[name], vals) for name, vals in zip(names, columns_in, strict=True) if name in p.by_name]
    if not entries or not size:
        return out
    bad: set[int] = set()
    changes = PRE_CHANGES.get(table)
    if changes is not None:
        for name, _, vals in entries:
            if name == PRE_FIELD[table]:
                bad.update(j for j, v in enumerate(vals) if changes(v))
    attnames, columns_out = [], []
    for _name, (attname, how, conv, empty, limit, _target), vals in entries:
        attnames.append(attname)
        columns_out.append(_column(vals, how, conv, empty, limit, from_text, bad))
    final = dict(zip(attnames, columns_out, strict=True))  # a later name for the same attname wins
    for _name, attname in p.required:
        column = final.get(attname)
        if column is None:
            return out
        if None in column or "" in column:
            bad.update(j for j, v in enumerate(column) if v is None or v == "")
    made = map(dict, map(zip, repeat(attnames), zip(*columns_out, strict=True)))
    if not bad:
        return list(made)
    for j, values in enumerate(made):
        if j not in bad:
            out[j] = values
    return out


def _column(
    vals: list[Any], how: int, conv: Converter | None, empty: Any, limit: int, from_text: bool, bad: set[int]
) -> list[Any]:
    """One column of a batch as check_row would store it; adds to ``bad`` the rows it cannot vouch for."""
    kinds = set(map(type, vals))
    numbers: dict[int, Any] = {}  # JSON numbers given to a converted column (latitude, minimum_age)
    if not kinds <= {_NONE, _STR}:
        for j, v in enumerate(vals):
            if v is not None and v.__class__ is not str:
                if how == CONVERTED and v.__class__ in (int, float):
                    numbers[j] = v
                else:
                    bad.add(j)
        vals = [v if v.__class__ is str else None for v in vals]
        kinds.add(_NONE)
    text: list[str] = [v or "" for v in vals] if _NONE in kinds else vals
    if list(map(str.strip, text, repeat(WS))) != text:
        bad.update(j for j, v in enumerate(text) if v != v.strip(WS))
    if "\x00" in "".join(text):
        bad.update(j for j, v in enumerate(text) if "\x00" in v)
    if from_text and not NULL_TEXT.isdisjoint(text):
        bad.update(j for j, v in enumerate(text) if v in NULL_TEXT)
    if how == PLAIN:
        if text and max(map(len, text)) > limit:
            bad.update(j for j, v in enumerate(text) if len(v) > limit)
        return [v or empty for v in text] if empty != "" and "" in text else text
    if how == ID:
        # every value 36 characters, so one match over them all checks each (aligned blocks)
        if not set(map(len, text)) <= {0, 36} or not _UUIDS.fullmatch("".join(text)):
            bad.update(j for j, v in enumerate(text) if v and not (len(v) == 36 and match_uuid(v)))
        ids = list(map(str.lower, map(str.replace, text, repeat("-"), repeat(""))))
        return [v or empty for v in ids] if empty != "" and "" in text else ids
    assert conv is not None
    memo: dict[str, Any] = {"": empty}
    distinct = set(text)
    for value in distinct:
        if not value:
            continue
        try:
            converted, note = conv(value, from_text)
        except Exception:  # noqa: BLE001, S112 - check_row says what is wrong with it
            continue
        if not note and not (converted.__class__ is str and len(converted) > limit):
            memo[value] = converted
    if not distinct <= memo.keys():
        bad.update(j for j, v in enumerate(text) if v not in memo)
    out = list(map(memo.get, text, repeat(empty)))
    for j, number in numbers.items():
        try:
            out[j], note = conv(number, from_text)
        except Exception:  # noqa: BLE001 - check_row says what is wrong with it
            note = "rejected"
        if note or (out[j].__class__ is str and len(out[j]) > limit):
            bad.add(j)
    return out
