"""Name keys and tolerant name matching for client search.

Staff type what a resident tells them: "Bill" for William, "Pena" for Peña,
"Jonson" for Johnson. We store an unaccented lowercase key and a phonetic key per
name (indexed, with the date of birth), and compare candidates in Python: the
date-of-birth filter leaves a few dozen rows even at a million residents, so the
same matcher runs on SQLite and PostgreSQL and both give the same results.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass

from text_unidecode import unidecode

# Common English and Spanish nickname groups; a name may sit in several groups.
_NICKNAME_GROUPS = [
    "william bill billy will willie willy liam",
    "elizabeth liz lizzie beth betty betsy eliza libby elisabeth",
    "robert bob bobby rob robbie bert",
    "richard rick ricky dick rich richie",
    "james jim jimmy jamie",
    "john johnny jack jon",
    "jonathan jon johnny nathan",
    "margaret maggie peggy meg marge margie",
    "katherine catherine kathryn kate kathy cathy katie kat kit",
    "michael mike mikey mick",
    "jennifer jen jenny jenn",
    "christopher chris topher kit",
    "christina christine chris tina chrissy kristina kristen",
    "thomas tom tommy",
    "joseph joe joey",
    "charles charlie chuck chas",
    "daniel dan danny",
    "anthony tony",
    "patricia pat patty trish tricia",
    "patrick pat paddy",
    "deborah debra deb debbie",
    "susan sue susie suzanne",
    "rebecca becky becca",
    "jessica jess jessie",
    "samantha sam sammy",
    "samuel sam sammy",
    "alexander alex al xander",
    "alexandra alex alexa sandra sandy",
    "andrew andy drew",
    "benjamin ben benny",
    "edward ed eddie ted teddy ned",
    "kenneth ken kenny",
    "matthew matt matty",
    "nicholas nick nicky",
    "steven stephen steve stevie",
    "timothy tim timmy",
    "gregory greg",
    "amanda mandy manda",
    "abigail abby abbie gail",
    "victoria vicky tori",
    "barbara barb barbie",
    "dorothy dot dottie",
    "frances fran frannie",
    "francis frank frankie",
    "judith judy",
    "kimberly kim kimmy",
    "pamela pam",
    "theresa teresa terry tess tessa",
    "virginia ginny ginger",
    "zachary zach zack",
    "joshua josh",
    "nathaniel nathan nate nat",
    "gerald jerry gerry",
    "lawrence larry",
    "raymond ray",
    "ronald ron ronnie",
    "donald don donnie",
    "douglas doug",
    "harold hal harry",
    "henry hank harry",
    "walter walt wally",
    "albert al bert",
    "frederick fred freddie",
    "leonard len lenny leo",
    "eugene gene",
    "jeffrey geoffrey jeff",
    "peter pete",
    "philip phillip phil",
    "rose rosie",
    "mary molly polly mae",
    "sarah sara sally sadie",
    "susanna susannah sue susie",
    "angela angie",
    "cynthia cindy",
    "melissa missy mel",
    "valerie val",
    "jose pepe",
    "francisco paco pancho",
    "guadalupe lupe",
    "enrique kike",
    "dolores lola",
    "concepcion concha",
    "ignacio nacho",
]

NICKNAMES: dict[str, set[int]] = {}
for _index, _group in enumerate(_NICKNAME_GROUPS):
    for _name in _group.split():
        NICKNAMES.setdefault(_name, set()).add(_index)

_NON_LETTERS = re.compile(r"[^a-z ]+")


def name_key(value: str) -> str:
    """Unaccented, lowercase, letters and single spaces only ("Peña-Ruiz " -> "pena ruiz")."""
    ascii_value = unidecode(unicodedata.normalize("NFKC", value or "")).lower()
    return " ".join(_NON_LETTERS.sub(" ", ascii_value.replace("'", "")).split())


def phonetic_key(value: str) -> str:
    """A Soundex-like key of the whole name (letters only), longer than Soundex's four
    characters so that "Johnson" and "Jonson" agree but "Brand" and "Bryant" do not."""
    key = name_key(value).replace(" ", "")
    if not key:
        return ""
    for old, new in (("ph", "f"), ("ck", "k"), ("gh", "g"), ("kn", "n"), ("wr", "r"), ("sch", "sk"), ("th", "t")):
        key = key.replace(old, new)
    codes = {
        **dict.fromkeys("bfpv", "1"),
        **dict.fromkeys("cgjkqsxz", "2"),
        **dict.fromkeys("dt", "3"),
        "l": "4",
        **dict.fromkeys("mn", "5"),
        "r": "6",
    }
    result = key[0]
    previous = codes.get(key[0], "")
    for letter in key[1:]:
        code = codes.get(letter, "")
        if code and code != previous:
            result += code
        if letter not in "hw":
            previous = code
    return result[:8]


def edit_distance(a: str, b: str, limit: int = 3) -> int:
    """Damerau-Levenshtein distance (adjacent transpositions count once), cut off at ``limit``."""
    if abs(len(a) - len(b)) >= limit:
        return limit
    previous_previous: list[int] = []
    previous = list(range(len(b) + 1))
    for i, char_a in enumerate(a, start=1):
        current = [i] + [0] * len(b)
        for j, char_b in enumerate(b, start=1):
            cost = 0 if char_a == char_b else 1
            current[j] = min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + cost)
            if i > 1 and j > 1 and char_a == b[j - 2] and a[i - 2] == char_b:
                current[j] = min(current[j], previous_previous[j - 2] + 1)
        previous_previous, previous = previous, current
    return min(previous[-1], limit)


def _allowed_typos(key: str) -> int:
    return 1 if len(key) < 7 else 2


def same_family(a: str, b: str) -> bool:
    """True when the two first-name keys share a nickname group (Bill / William)."""
    return bool(NICKNAMES.get(a, set()) & NICKNAMES.get(b, set()))


def nickname_alternatives(key: str) -> set[str]:
    """Every other name in the nickname groups of ``key`` ("bill" -> william, will, ...)."""
    alternatives: set[str] = set()
    for index in NICKNAMES.get(key, ()):
        alternatives.update(_NICKNAME_GROUPS[index].split())
    alternatives.discard(key)
    return alternatives


def search_keys(value: str) -> str:
    """The words of a name and their sound-alike keys, each padded by spaces
    (" amy brand a5 b653 "), so that a whole word or key is found with a plain
    substring test in SQL: ``contains(" b653 ")``. Name words hold letters only and
    sound-alike keys hold digits, so the two never match each other."""
    words = name_key(value).split()
    keys = [phonetic_key(word) for word in words if len(word) >= 3]
    return " " + " ".join([*words, *keys]) + " "


def close_spelling(typed: str, stored: str) -> bool:
    """A typo of one name word (Damerau distance within ``_allowed_typos``), with
    the cheap length and first-letter tests first: used over many stored names."""
    if not typed or not stored or typed[0] != stored[0] or abs(len(typed) - len(stored)) > 2:
        return False
    return edit_distance(typed, stored) <= _allowed_typos(stored)


@dataclass(frozen=True)
class NameMatch:
    score: float
    reason: str


def match_part(query: str, stored: str, *, first_name: bool) -> NameMatch | None:
    """How well one typed name matches one stored name (both already ``name_key``-ed).

    Multi-part stored names ("Smith Jones", "Mary Ann") match on any part, so a
    hyphenated surname is found by either half."""
    if not query or not stored:
        return None
    if query == stored:
        return NameMatch(1.0, "exact")
    best: NameMatch | None = None
    candidates = [stored, *stored.split()] if " " in stored else [stored]
    for part in candidates:
        if part == query:
            match = NameMatch(0.95, "part")
        elif first_name and same_family(query, part):
            match = NameMatch(0.9, "nickname")
        elif phonetic_key(query) == phonetic_key(part) and query[0] == part[0]:
            match = NameMatch(0.85, "sounds alike")
        elif edit_distance(query, part) <= _allowed_typos(part):
            match = NameMatch(0.8, "spelling")
        elif first_name and len(query) == 1 and part.startswith(query):
            match = NameMatch(0.6, "initial")
        else:
            continue
        if best is None or match.score > best.score:
            best = match
    return best
