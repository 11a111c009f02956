"""Wayfinder's SDoH categories, situation tiles, and the 2-1-1/AIRS code mapping (docs/product.md 1.2).

The categories live in code (reviewed like code, translated in one place) and are
mirrored into the database as an HSDS taxonomy by ``ensure_sdoh_taxonomy`` so the
HSDS API and exports carry them like any other taxonomy. Ids are uuid5 of the slug,
so every instance gives the same term the same id.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from .airs_codes import AIRS_CODE_MAP

NAMESPACE = uuid.UUID("6f1c0e52-7a43-4d55-9a0e-2b11d1a0c0de")
SDOH_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:wayfinder-sdoh")
SDOH_TAXONOMY_NAME = "Wayfinder SDoH categories"
SDOH_TAXONOMY_URI = "https://wayfinder.example.org/taxonomy/sdoh"
AIRS_TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:airs-211")
AIRS_TAXONOMY_NAME = "211 HSIS Taxonomy (AIRS)"
AIRS_TAXONOMY_URI = "https://211taxonomy.org"


@dataclass(frozen=True)
class Category:
    slug: str
    en: str
    es: str
    subcategories: tuple[tuple[str, str, str], ...] = field(default=())


def _c(slug: str, en: str, es: str, *subs: tuple[str, str, str]) -> Category:
    return Category(slug, en, es, tuple(subs))


CATEGORIES: tuple[Category, ...] = (
    _c(
        "food",
        "Food",
        "Comida",
        ("food-pantries", "Food pantries", "Despensas de alimentos"),
        ("meals", "Free meals", "Comidas gratuitas"),
        ("snap-wic", "SNAP and WIC help", "Ayuda con SNAP y WIC"),
        ("home-delivered-meals", "Home-delivered meals", "Comidas a domicilio"),
        ("baby-food-formula", "Baby formula and food", "Fórmula y comida para bebés"),
    ),
    _c(
        "housing",
        "Housing",
        "Vivienda",
        ("emergency-shelter", "Emergency shelter", "Refugio de emergencia"),
        ("rent-assistance", "Rent assistance", "Ayuda con el alquiler"),
        ("transitional-housing", "Transitional housing", "Vivienda de transición"),
        ("affordable-housing", "Affordable housing", "Vivienda asequible"),
        ("home-repair", "Home repair", "Reparaciones del hogar"),
        ("eviction-prevention", "Eviction prevention", "Prevención de desalojos"),
    ),
    _c(
        "utilities",
        "Utilities",
        "Servicios públicos",
        ("utility-bill-help", "Help paying utility bills", "Ayuda para pagar facturas de servicios"),
        ("heating-cooling", "Heating and cooling", "Calefacción y aire acondicionado"),
        ("weatherization", "Weatherization", "Climatización del hogar"),
        ("phone-internet", "Phone and internet", "Teléfono e internet"),
    ),
    _c(
        "transportation",
        "Transportation",
        "Transporte",
        ("medical-rides", "Rides to medical appointments", "Transporte a citas médicas"),
        ("public-transit", "Public transit and bus passes", "Transporte público y pases de autobús"),
        ("gas-car-repair", "Gas and car repair", "Gasolina y reparación de autos"),
    ),
    _c(
        "health-care",
        "Health care",
        "Atención médica",
        ("clinics", "Clinics", "Clínicas"),
        ("dental", "Dental care", "Atención dental"),
        ("vision", "Vision care", "Atención de la vista"),
        ("prescriptions", "Prescription help", "Ayuda con recetas"),
        ("health-insurance", "Health insurance enrollment", "Inscripción en seguro médico"),
        ("prenatal", "Pregnancy and prenatal care", "Embarazo y atención prenatal"),
    ),
    _c(
        "mental-health",
        "Mental health",
        "Salud mental",
        ("counseling", "Counseling", "Consejería"),
        ("crisis-lines", "Crisis lines", "Líneas de crisis"),
        ("psychiatric-care", "Psychiatric care", "Atención psiquiátrica"),
        ("support-groups", "Support groups", "Grupos de apoyo"),
    ),
    _c(
        "substance-use",
        "Substance use",
        "Uso de sustancias",
        ("addiction-treatment", "Addiction treatment", "Tratamiento de adicciones"),
        ("detox", "Detox", "Desintoxicación"),
        ("recovery-support", "Recovery support", "Apoyo para la recuperación"),
        ("harm-reduction", "Harm reduction", "Reducción de daños"),
    ),
    _c(
        "employment",
        "Employment",
        "Empleo",
        ("job-training", "Job training", "Capacitación laboral"),
        ("job-search", "Job search help", "Ayuda para buscar trabajo"),
        ("unemployment-benefits", "Unemployment benefits", "Beneficios de desempleo"),
    ),
    _c(
        "education",
        "Education",
        "Educación",
        ("ged", "GED and adult education", "GED y educación para adultos"),
        ("esl", "English classes", "Clases de inglés"),
        ("tutoring", "Tutoring", "Tutoría"),
        ("college-help", "College and financial aid help", "Ayuda con la universidad y ayuda financiera"),
    ),
    _c(
        "income",
        "Income and money",
        "Ingresos y dinero",
        ("cash-assistance", "Cash assistance", "Asistencia en efectivo"),
        ("tax-preparation", "Free tax preparation", "Preparación gratuita de impuestos"),
        ("financial-coaching", "Financial coaching", "Asesoría financiera"),
        ("benefits-enrollment", "Benefits enrollment", "Inscripción en beneficios"),
    ),
    _c(
        "child-care",
        "Child care",
        "Cuidado infantil",
        ("daycare", "Daycare", "Guardería"),
        ("child-care-subsidy", "Child care assistance", "Ayuda con el cuidado infantil"),
        ("after-school", "After-school programs", "Programas después de la escuela"),
        ("diapers", "Diapers and baby supplies", "Pañales y artículos para bebés"),
        ("parenting", "Parenting support", "Apoyo para padres"),
    ),
    _c(
        "legal",
        "Legal",
        "Legal",
        ("legal-aid", "Free legal aid", "Asistencia legal gratuita"),
        ("tenant-rights", "Tenant rights", "Derechos de inquilinos"),
        ("immigration-legal", "Immigration help", "Ayuda de inmigración"),
        ("expungement", "Record expungement", "Eliminación de antecedentes"),
    ),
    _c(
        "safety",
        "Safety and violence",
        "Seguridad y violencia",
        ("domestic-violence", "Domestic violence help", "Ayuda contra la violencia doméstica"),
        ("dv-shelter", "Domestic violence shelters", "Refugios para víctimas de violencia doméstica"),
        ("sexual-assault", "Sexual assault support", "Apoyo por agresión sexual"),
        ("victim-services", "Crime victim services", "Servicios para víctimas de delitos"),
    ),
    _c(
        "social-connection",
        "Social connection",
        "Conexión social",
        ("senior-centers", "Senior centers", "Centros para personas mayores"),
        ("mentoring", "Mentoring", "Mentoría"),
        ("community-centers", "Community centers", "Centros comunitarios"),
    ),
    _c(
        "disability",
        "Disability",
        "Discapacidad",
        ("disability-services", "Disability services", "Servicios para discapacidades"),
        ("assistive-technology", "Assistive technology", "Tecnología de asistencia"),
        ("independent-living", "Independent living", "Vida independiente"),
    ),
    _c(
        "veterans",
        "Veterans",
        "Veteranos",
        ("veteran-benefits", "Veteran benefits", "Beneficios para veteranos"),
        ("veteran-housing", "Housing for veterans", "Vivienda para veteranos"),
        ("veteran-health", "Veteran health care", "Atención médica para veteranos"),
    ),
    _c(
        "goods",
        "Clothing and household goods",
        "Ropa y artículos del hogar",
        ("clothing", "Clothing", "Ropa"),
        ("furniture", "Furniture and appliances", "Muebles y electrodomésticos"),
        ("hygiene", "Personal hygiene items", "Artículos de higiene personal"),
    ),
)

CATEGORY_BY_SLUG: dict[str, Category] = {c.slug: c for c in CATEGORIES}
SUBCATEGORY_PARENT: dict[str, str] = {s[0]: c.slug for c in CATEGORIES for s in c.subcategories}
LABELS: dict[str, tuple[str, str]] = {c.slug: (c.en, c.es) for c in CATEGORIES} | {
    s[0]: (s[1], s[2]) for c in CATEGORIES for s in c.subcategories
}

# Situation tiles: plain-language needs mapped to category/subcategory slugs.
SITUATIONS: dict[str, dict[str, Any]] = {
    "lost-job": {
        "en": "I lost my job",
        "es": "Perdí mi trabajo",
        "categories": ["employment", "unemployment-benefits", "food", "utility-bill-help", "rent-assistance"],
    },
    "food-today": {
        "en": "I need food today",
        "es": "Necesito comida hoy",
        "categories": ["food-pantries", "meals", "food"],
    },
    "expecting-baby": {
        "en": "I'm expecting a baby",
        "es": "Estoy esperando un bebé",
        "categories": ["prenatal", "snap-wic", "diapers", "baby-food-formula", "parenting"],
    },
    "shelter-tonight": {
        "en": "I need a place to stay tonight",
        "es": "Necesito un lugar para quedarme esta noche",
        "categories": ["emergency-shelter", "dv-shelter"],
    },
    "cant-pay-bills": {
        "en": "I can't pay my bills",
        "es": "No puedo pagar mis cuentas",
        "categories": ["utility-bill-help", "rent-assistance", "cash-assistance", "financial-coaching"],
    },
    "facing-eviction": {
        "en": "I'm being evicted",
        "es": "Me están desalojando",
        "categories": ["eviction-prevention", "tenant-rights", "rent-assistance", "legal-aid"],
    },
    "not-safe": {
        "en": "I don't feel safe at home",
        "es": "No me siento seguro en casa",
        "categories": ["safety", "dv-shelter", "crisis-lines"],
    },
    "need-doctor": {
        "en": "I need to see a doctor",
        "es": "Necesito ver a un médico",
        "categories": ["clinics", "health-insurance", "medical-rides", "prescriptions"],
    },
    "struggling-emotionally": {
        "en": "I'm struggling emotionally",
        "es": "Estoy pasando por un momento difícil",
        "categories": ["mental-health", "crisis-lines", "support-groups"],
    },
    "recovery": {
        "en": "I want help with drugs or alcohol",
        "es": "Quiero ayuda con drogas o alcohol",
        "categories": ["substance-use"],
    },
    "need-ride": {"en": "I need a ride", "es": "Necesito transporte", "categories": ["transportation"]},
    "child-care": {
        "en": "I need child care to work",
        "es": "Necesito cuidado infantil para trabajar",
        "categories": ["child-care", "child-care-subsidy", "after-school"],
    },
    "finish-school": {
        "en": "I want to finish school",
        "es": "Quiero terminar mis estudios",
        "categories": ["ged", "esl", "job-training"],
    },
    "veteran": {"en": "I'm a veteran", "es": "Soy veterano", "categories": ["veterans"]},
    "lonely": {"en": "I feel alone", "es": "Me siento solo", "categories": ["social-connection", "support-groups"]},
}

AIRS_CODE_RE = re.compile(r"^[BDFHJLNPRTY]([A-Z](-\d{4}(\.\d{4}(-\d{3}(\.\d{2,3})?)?)?)?)?$")


def is_valid_airs_code(code: str) -> bool:
    """AIRS codes are one top-level letter, then a second letter and up to four dotted/dashed levels."""
    return bool(AIRS_CODE_RE.match(code))


def categories_for_airs_code(code: str) -> set[str]:
    """The category and subcategory slugs an AIRS code falls under (empty when we have no mapping)."""
    return set(_airs_categories(code))


@lru_cache(maxsize=20_000)
def _airs_categories(code: str) -> frozenset[str]:
    best = ""
    for prefix in AIRS_CODE_MAP:
        if (
            code == prefix
            or code.startswith(prefix + "-")
            or code.startswith(prefix + ".")
            or (len(prefix) <= 2 and code.startswith(prefix))
        ) and len(prefix) > len(best):
            best = prefix
    return frozenset(with_parents({AIRS_CODE_MAP[best]}) if best else ())


def with_parents(slugs: Iterable[str]) -> set[str]:
    """Add each subcategory's parent, so a food pantry is found under "Food" too."""
    out = set()
    for slug in slugs:
        if slug in CATEGORY_BY_SLUG or slug in SUBCATEGORY_PARENT:
            out.add(slug)
            if slug in SUBCATEGORY_PARENT:
                out.add(SUBCATEGORY_PARENT[slug])
    return out


def categories_for_term(code: str, taxonomy_id: uuid.UUID | str | None) -> set[str]:
    """Category slugs for one taxonomy term: our own terms by slug, anything else by AIRS code."""
    if taxonomy_id is not None and str(taxonomy_id) == str(SDOH_TAXONOMY_ID):
        return with_parents({code})
    return categories_for_airs_code(code) if code else set()


def situation_categories(situation: str) -> set[str]:
    """All slugs (with parents) a situation tile stands for; unknown situation -> empty set."""
    return with_parents(SITUATIONS.get(situation, {}).get("categories", []))


def categories_for_service(service: Any) -> set[str]:
    """Category slugs of a service, as computed by the importer (Service.categories)."""
    return set(service.categories or [])


def term_id(slug: str) -> uuid.UUID:
    return uuid.uuid5(NAMESPACE, f"term:{slug}")


def taxonomy_rows() -> tuple[dict[str, Any], list[dict[str, Any]]]:
    """The SDoH taxonomy as HSDS rows (taxonomy, terms), parents before children."""
    tax = {
        "id": SDOH_TAXONOMY_ID,
        "name": SDOH_TAXONOMY_NAME,
        "uri": SDOH_TAXONOMY_URI,
        "version": "1",
        "description": "Social determinants of health categories used by Wayfinder (English and Spanish).",
    }
    terms = []
    for c in CATEGORIES:
        terms.append({"id": term_id(c.slug), "code": c.slug, "name": c.en, "description": c.es, "parent_id": None})
        for slug, en, es in c.subcategories:
            terms.append(
                {"id": term_id(slug), "code": slug, "name": en, "description": es, "parent_id": term_id(c.slug)}
            )
    return tax, terms


def ensure_sdoh_taxonomy(taxonomy_model: Any = None, term_model: Any = None) -> int:
    """Create or refresh the SDoH taxonomy rows; idempotent. Returns how many terms were written.

    Takes models as arguments so the data migration can pass its historical models.
    """
    if taxonomy_model is None or term_model is None:
        from wayfinder.directory.models import Taxonomy, TaxonomyTerm

        taxonomy_model, term_model = Taxonomy, TaxonomyTerm
    tax, terms = taxonomy_rows()
    taxonomy_model.objects.update_or_create(id=tax["id"], defaults={k: v for k, v in tax.items() if k != "id"})
    existing = {t.id: t for t in term_model.objects.filter(taxonomy_ref_id=SDOH_TAXONOMY_ID)}
    written = 0
    for row in terms:
        defaults = {
            "code": row["code"],
            "name": row["name"],
            "description": row["description"],
            "parent_id": row["parent_id"],
            "taxonomy_ref_id": SDOH_TAXONOMY_ID,
            "language": "en",
            "taxonomy_label": SDOH_TAXONOMY_NAME,
            "source": "reviewer",
        }
        current = existing.get(row["id"])
        if current and all(getattr(current, k) == v for k, v in defaults.items()):
            continue
        term_model.objects.update_or_create(id=row["id"], defaults=defaults)
        written += 1
    return written
