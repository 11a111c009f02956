"""The curated synonym table: the words people type, mapped to the words providers write.

Kept by hand, reviewed like code. Two kinds of entry:

- ``EQUIVALENT`` groups: words and phrases that mean the same thing to someone looking
  for help ("baby" and "infant", "shots" and "vaccines", "food stamps" and "SNAP"). Every
  member finds every other member, so a group covers the word a resident types *and*
  the word a 2-1-1 record uses, whichever way round they happen to be.
- ``RELATED``: one-way expansions from an everyday word to narrower provider words
  ("hungry" finds a pantry; a search for "pantry" should not find everything about hunger).
  A member's one-way words hold for its whole group ("formula" finds WIC, so "baby
  formula" and "infant formula" do too): a word added to a group brings its meaning along.

Phrases are lowercased and accent-free, one or more words. They are matched on their
English stems (``KEYS``), so "vaccine", "vaccines" and "vaccination's" all reach the same
entry and a plural never needs its own line. Alternatives are searched at a lower weight
than the words typed. Spanish entries point at the English vocabulary of the 2-1-1 data,
because most records are written in English.
"""

from __future__ import annotations

from functools import lru_cache

from .schema import EN, analyze

EQUIVALENT: tuple[tuple[str, ...], ...] = (
    # food
    ("food stamps", "snap", "ebt", "supplemental nutrition assistance"),
    ("food pantry", "food bank", "food shelf", "pantry"),
    ("soup kitchen", "hot meal", "free meal", "community kitchen"),
    ("breakfast", "lunch", "dinner", "supper"),
    ("groceries", "grocery", "canned food", "commodities"),
    ("wic", "women infants and children"),
    ("breastfeeding", "breast feeding", "nursing mother", "lactation", "breast pump"),
    ("meals on wheels", "home delivered meals"),
    # babies and children
    ("baby", "babies", "infant", "newborn", "toddler"),
    ("kid", "kids", "child", "children", "childhood"),
    ("teen", "teenager", "adolescent", "youth"),
    ("diapers", "diaper", "nappies", "pull ups"),
    ("formula", "infant formula", "baby formula"),
    ("daycare", "day care", "child care", "childcare"),
    ("babysitter", "babysitting", "child care"),
    ("after school", "afterschool", "out of school time"),
    ("preschool", "pre k", "head start"),
    ("pregnant", "pregnancy", "prenatal", "expecting", "maternity", "baby on the way"),
    ("car seat", "child safety seat", "booster seat"),
    ("birth control", "family planning", "contraception"),
    # housing
    ("rent", "rental", "rent assistance"),
    ("eviction", "evicted", "evict", "eviction notice"),
    ("homeless", "homelessness", "unhoused", "unsheltered"),
    ("nowhere to sleep", "nowhere to stay", "nowhere to go", "sleeping in my car", "sleeping outside", "kicked out"),
    ("section 8", "housing choice voucher", "housing voucher"),
    ("mortgage", "foreclosure"),
    ("deposit", "security deposit"),
    ("home repair", "house repair", "roof repair"),
    ("weatherization", "weatherize", "insulation", "drafty", "energy efficiency"),
    # utilities
    ("lights", "light bill", "power bill", "electric bill", "electricity", "electric", "power", "power company"),
    ("utilities", "utility", "utility bill"),
    ("shut off", "shutoff", "cut off", "disconnect", "disconnection", "disconnect notice", "shut off notice"),
    ("heat", "heating", "furnace"),
    ("gas bill", "natural gas", "propane"),
    ("water bill", "sewer bill"),
    ("air conditioner", "air conditioning", "cooling", "fan"),
    ("cell phone", "phone", "lifeline"),
    ("internet", "wifi", "broadband"),
    # transportation
    ("ride", "rides", "transportation", "transport"),
    ("bus pass", "bus ticket", "bus fare", "transit pass"),
    ("car repair", "auto repair", "vehicle repair"),
    ("gas money", "gas card", "fuel"),
    # health
    ("doctor", "physician", "primary care"),
    ("checkup", "check up", "physical", "physical exam", "wellness visit", "well child"),
    ("clinic", "health center", "free clinic"),
    ("dentist", "dental", "teeth", "tooth", "toothache", "cavity", "dentures"),
    ("glasses", "eyeglasses", "eye exam", "eye doctor", "vision", "optometrist"),
    ("shots", "vaccine", "vaccination", "immunization", "flu shot"),
    ("medicine", "medication", "meds", "pills", "prescription", "pharmacy"),
    ("insurance", "health insurance", "health coverage", "medicaid", "kynect"),
    ("hearing aid", "hearing test", "audiology"),
    ("std", "sti", "sexually transmitted"),
    # mental health and substance use
    ("counseling", "counselling", "counselor", "therapy", "therapist"),
    ("mental health", "behavioral health"),
    ("depression", "depressed", "anxiety"),
    ("trauma", "ptsd", "post traumatic stress"),
    ("suicide", "suicidal", "crisis line", "988"),
    ("hotline", "helpline", "crisis hotline"),
    ("rehab", "rehabilitation", "addiction treatment", "substance use treatment"),
    ("addiction", "substance use", "substance abuse"),
    ("detox", "detoxification", "withdrawal management"),
    ("narcan", "naloxone"),
    ("suboxone", "buprenorphine", "methadone", "vivitrol", "medication assisted treatment"),
    ("heroin", "fentanyl", "opioids", "opiates", "pain pills"),
    ("meth", "methamphetamine", "cocaine", "crack"),
    ("drinking", "drinking problem", "alcoholic", "alcoholism", "alcohol use"),
    ("aa", "alcoholics anonymous"),
    ("na", "narcotics anonymous"),
    # jobs and money
    ("job", "jobs", "employment"),
    ("job training", "workforce", "vocational", "career training", "job skills"),
    ("resume", "job search", "job listings", "job interview", "hiring"),
    ("unemployment", "unemployed", "laid off", "unemployment insurance"),
    ("taxes", "tax", "tax return", "tax preparation", "tax refund", "file taxes", "vita"),
    ("welfare", "tanf", "ktap", "cash assistance"),
    ("ssi", "ssdi", "social security", "disability benefits"),
    ("budget", "financial coaching", "credit counseling", "debt"),
    # legal and safety
    ("lawyer", "attorney", "legal aid", "legal help", "legal advice"),
    ("expungement", "expunge", "expunged", "criminal record", "clear my record"),
    ("immigration", "immigrant", "citizenship", "green card", "asylum"),
    ("landlord", "tenant", "tenant rights"),
    ("domestic violence", "dv", "intimate partner violence", "family violence"),
    ("rape", "sexual assault", "sexual abuse"),
    # education
    ("ged", "hiset", "high school equivalency", "adult education"),
    ("esl", "english class", "english as a second language", "learn english"),
    ("tutor", "tutoring", "homework help"),
    ("fafsa", "financial aid", "scholarship"),
    # people
    ("senior", "seniors", "elderly", "older adults", "aging", "elder"),
    ("disabled", "disability", "disabilities", "handicapped", "special needs"),
    ("veteran", "veterans", "military", "va"),
    ("refugee", "refugees", "resettlement"),
    # goods
    ("clothes", "clothing", "coats", "winter coat", "shoes", "uniforms"),
    ("furniture", "appliances"),
    ("hygiene", "toiletries", "personal care items", "period products"),
)

RELATED: dict[str, tuple[str, ...]] = {
    # food
    "food": ("meal", "meals", "groceries", "pantry", "nutrition"),
    "hungry": ("food", "meal", "pantry"),
    "hunger": ("food", "meal", "pantry"),
    "lunch": ("meal", "meals"),
    "dinner": ("meal", "meals"),
    "breakfast": ("meal", "meals"),
    "eat": ("food", "meal", "meals"),
    "no food": ("food", "pantry", "meal"),
    "baby food": ("infant formula", "baby", "wic"),
    "formula": ("wic",),
    "breastfeeding": ("wic",),
    "car seat": ("baby supplies",),
    # housing
    "place to stay": ("shelter", "housing"),
    "nowhere to sleep": ("shelter", "homeless"),
    "place to sleep": ("shelter",),
    "somewhere to sleep": ("shelter",),
    "motel": ("shelter", "motel voucher"),
    "hotel": ("shelter", "motel voucher"),
    "rent": ("eviction", "housing"),
    "eviction": ("rent", "housing", "legal", "tenant"),
    "homeless": ("shelter", "housing"),
    "shelter": ("homeless", "emergency housing"),
    "apartment": ("housing", "rental"),
    "mortgage": ("housing",),
    "housing": ("rent", "shelter"),
    # utilities
    "lights": ("utility", "energy", "liheap"),
    "utilities": ("energy", "liheap"),
    "heat": ("utility", "liheap", "energy"),
    "gas bill": ("utility", "heating", "energy"),
    "water bill": ("utility", "water"),
    "shut off": ("utility", "liheap"),
    "internet": ("computer",),
    "weatherization": ("home repair", "energy"),
    # jobs and money
    "work": ("employment", "job"),
    "money": ("financial", "cash assistance", "income"),
    "bills": ("financial", "utility", "cash assistance"),
    "lost my job": ("unemployment", "employment"),
    "resume": ("employment",),
    "interview": ("job search", "employment"),
    "refund": ("tax", "tax preparation"),
    # health
    "doctor": ("clinic", "health care", "medical"),
    "clinic": ("health", "medical", "doctor"),
    "sick": ("clinic", "doctor", "medical"),
    "shots": ("health department",),
    "insurance": ("health coverage",),
    "no insurance": ("uninsured", "sliding fee", "sliding scale", "free clinic", "medicaid"),
    "checkup": ("doctor", "clinic", "primary care"),
    "hotline": ("crisis line", "crisis"),
    # mental health and substance use
    "depression": ("mental health", "counseling"),
    "stress": ("mental health", "counseling"),
    "grief": ("counseling", "support group"),
    "suicide": ("crisis", "mental health"),
    "trauma": ("counseling", "mental health"),
    "someone to talk to": ("counseling", "support group", "crisis line"),
    "rehab": ("recovery", "treatment", "substance use", "addiction"),
    "addiction": ("recovery", "treatment"),
    "detox": ("addiction treatment", "substance use", "recovery"),
    "suboxone": ("addiction treatment", "substance use", "recovery"),
    "heroin": ("substance use", "addiction", "recovery"),
    "meth": ("substance use", "addiction", "recovery"),
    "drinking": ("substance use", "recovery", "aa"),
    "drugs": ("substance use", "addiction", "recovery"),
    "alcohol": ("substance use", "recovery", "aa"),
    "opioid": ("substance use", "recovery", "naloxone"),
    "sober": ("recovery", "substance use"),
    # transportation
    "bus": ("transit", "transportation"),
    "car": ("transportation", "vehicle"),
    "no car": ("transportation", "ride", "rides"),
    # legal and safety
    "lawyer": ("legal",),
    "court": ("legal", "legal aid"),
    "expungement": ("legal", "legal aid"),
    "vet": ("veteran", "veterans"),
    "divorce": ("legal", "family law"),
    "custody": ("legal", "family law"),
    "abuse": ("domestic violence", "safety"),
    "safe": ("safety", "domestic violence", "shelter"),
    # education
    "school": ("education", "tutoring"),
    "college": ("education", "financial aid"),
    # other
    "lonely": ("social", "companionship", "senior center", "support group"),
    "wheelchair": ("disability", "mobility"),
    "computer": ("internet", "digital"),
    "clothes": ("closet",),
    "mattress": ("beds", "furniture"),
    "bed": ("beds", "furniture"),
    # Spanish (records are mostly in English)
    "comida": ("food", "meal", "meals"),
    "desayuno": ("breakfast", "meal"),
    "almuerzo": ("lunch", "meal"),
    "cena": ("dinner", "meal"),
    "lactancia": ("breastfeeding", "wic"),
    "asiento de carro": ("car seat",),
    "alimentos": ("food", "pantry"),
    "despensa": ("pantry", "food"),
    "hambre": ("food", "meal", "pantry"),
    "cupones de alimentos": ("snap", "food stamps"),
    "vivienda": ("housing", "rent"),
    "renta": ("rent", "rental"),
    "alquiler": ("rent", "rental"),
    "desalojo": ("eviction", "rent"),
    "refugio": ("shelter", "homeless"),
    "sin hogar": ("homeless", "shelter"),
    "luz": ("electric", "utility"),
    "electricidad": ("electric", "utility"),
    "factura": ("bill", "utility"),
    "agua": ("water", "utility"),
    "trabajo": ("employment", "job", "jobs"),
    "empleo": ("employment", "job", "jobs"),
    "impuestos": ("tax", "tax preparation"),
    "dinero": ("financial", "cash assistance"),
    "medico": ("doctor", "clinic", "medical"),
    "doctora": ("doctor", "clinic"),
    "clinica": ("clinic", "health"),
    "dentista": ("dental", "dentist"),
    "dientes": ("dental", "teeth"),
    "dolor de muelas": ("toothache", "dental", "dentist"),
    "seguro medico": ("health insurance", "medicaid"),
    "drogas": ("substance use", "addiction", "recovery"),
    "vacunas": ("vaccine", "immunization", "shots"),
    "medicina": ("medication", "prescription", "pharmacy"),
    "medicamentos": ("medication", "prescription", "pharmacy"),
    "lentes": ("glasses", "vision"),
    "salud": ("health", "clinic"),
    "salud mental": ("mental health", "counseling"),
    "consejeria": ("counseling", "mental health"),
    "embarazada": ("prenatal", "pregnancy"),
    "embarazo": ("prenatal", "pregnancy"),
    "bebe": ("baby", "infant"),
    "bebes": ("baby", "infant"),
    "panales": ("diaper", "diapers", "baby"),
    "leche": ("formula", "infant formula", "wic"),
    "guarderia": ("child care", "childcare", "daycare"),
    "ninos": ("children", "child", "kids"),
    "abogado": ("legal", "lawyer", "attorney", "legal aid"),
    "inmigracion": ("immigration", "immigrant"),
    "violencia": ("domestic violence", "abuse"),
    "abuso": ("abuse", "domestic violence"),
    "transporte": ("transportation", "transit", "ride"),
    "ropa": ("clothing", "clothes"),
    "muebles": ("furniture",),
    "ingles": ("esl", "english"),
    "clases de ingles": ("esl", "english class"),
    "veterano": ("veteran", "veterans"),
    "personas mayores": ("seniors", "senior", "older adults"),
    "discapacidad": ("disability", "disabilities"),
}

# Words that add nothing to a search when other words are present ("rent help",
# "food near me", "necesito ayuda con comida", "where can I get shots for my kids").
_GENERIC = """
    a about am an and any anyone are as assist assistance at be been by can cant could do does dont
    find for free from get gets getting got have has having help helps how i im in is it its ive
    looking look me my near nearby need needed needs no not of on or our please program programs resource
    resources service services some someone something somewhere support that the their them there
    these they this those to today tonight us want wants was we what where which who will with would
    you your
    al ayuda ayudar busco cerca con de del donde el en es gratis hay hoy la las los me mi mis necesito
    necesita o para por programa programas que quiero servicio servicios su un una unos y
"""
GENERIC_WORDS = frozenset(_GENERIC.split())


@lru_cache(maxsize=8192)
def _stem_key(phrase: str) -> str:
    """A phrase as the index sees it (English stems, one space apart): the lookup key."""
    return " ".join(analyze(EN, phrase))


def _build() -> dict[str, tuple[str, ...]]:
    table: dict[str, list[str]] = {}

    def add(phrase: str, alternatives) -> None:
        entry = table.setdefault(phrase, [])
        for alternative in alternatives:
            if alternative != phrase and alternative not in entry:
                entry.append(alternative)

    for group in EQUIVALENT:
        # A member's one-way words belong to the whole group: "baby formula" finds WIC
        # because "formula" does, "power" the energy programmes because "lights" does.
        related = [word for phrase in group for word in RELATED.get(phrase, ())]
        for phrase in group:
            add(phrase, group)
            add(phrase, related)
    for phrase, alternatives in RELATED.items():
        add(phrase, alternatives)
    return {phrase: tuple(alternatives) for phrase, alternatives in table.items()}


# Typed phrase → alternatives (the readable table: category suggestions read it too).
SYNONYMS: dict[str, tuple[str, ...]] = _build()


def _by_stem() -> dict[str, tuple[str, ...]]:
    keyed: dict[str, list[str]] = {}
    for phrase, alternatives in SYNONYMS.items():
        key = _stem_key(phrase) or phrase
        entry = keyed.setdefault(key, [])
        # Spelling variants of one key ("diaper", "diapers") pool their alternatives.
        for alternative in (phrase, *alternatives):
            if _stem_key(alternative) != key and alternative not in entry:
                entry.append(alternative)
    return {key: tuple(alternatives) for key, alternatives in keyed.items()}


KEYS: dict[str, tuple[str, ...]] = _by_stem()
LONGEST_KEY_WORDS = max(len(key.split()) for key in SYNONYMS)


def alternatives_for(words: list[str]) -> tuple[str, ...] | None:
    """The alternatives of the phrase these normalised words make, or None when the table
    has no such phrase (compared on stems: "vaccines" finds the entry of "vaccine")."""
    phrase = " ".join(words)
    return KEYS.get(_stem_key(phrase) or phrase)
