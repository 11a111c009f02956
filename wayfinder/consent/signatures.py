"""The typed signature of a Part 2 consent (42 CFR 2.31(a)(8): signature or
electronic equivalent) must be the resident's own name as on file.

Compared without accents, case, punctuation or extra spaces, so "jolene caudill",
"Jolene M. Caudill" and "CAUDILL, Jolene" all sign for Jolene Caudill; the first
and last names must both be there, and nothing else but the middle name (or its
initial) and the suffix. A different name is refused with a clear message.
"""

from __future__ import annotations

from wayfinder.residents.names import name_key


def signature_matches(typed: str, resident) -> bool:
    words = name_key(typed).split()
    required = name_key(resident.first_name).split() + name_key(resident.last_name).split()
    if not required or not words:
        return False
    remaining = list(words)
    for word in required:
        if word not in remaining:
            return False
        remaining.remove(word)
    middle = name_key(getattr(resident, "middle_name", "")).split()
    optional = set(middle) | {m[0] for m in middle} | set(name_key(getattr(resident, "suffix", "")).split())
    return all(word in optional for word in remaining)
