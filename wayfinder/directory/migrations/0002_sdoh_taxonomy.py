"""The SDoH categories as an HSDS taxonomy, as they stood when this migration was
written (frozen: a migration never imports live application code, whose categories
change). Later changes to ``wayfinder.directory.categories`` are written by
``ensure_sdoh_taxonomy`` (the 2-1-1 import and the partners' category edits run it)
or by a new data migration of their own."""

import uuid

from django.db import migrations

NAMESPACE = uuid.UUID("6f1c0e52-7a43-4d55-9a0e-2b11d1a0c0de")
TAXONOMY_ID = uuid.uuid5(NAMESPACE, "taxonomy:wayfinder-sdoh")
TAXONOMY_NAME = "Wayfinder SDoH categories"

# (code, English name, Spanish name kept as the description, parent code)
TERMS = (
    ('food', 'Food', 'Comida', None),
    ('food-pantries', 'Food pantries', 'Despensas de alimentos', 'food'),
    ('meals', 'Free meals', 'Comidas gratuitas', 'food'),
    ('snap-wic', 'SNAP and WIC help', 'Ayuda con SNAP y WIC', 'food'),
    ('home-delivered-meals', 'Home-delivered meals', 'Comidas a domicilio', 'food'),
    ('baby-food-formula', 'Baby formula and food', 'Fórmula y comida para bebés', 'food'),
    ('housing', 'Housing', 'Vivienda', None),
    ('emergency-shelter', 'Emergency shelter', 'Refugio de emergencia', 'housing'),
    ('rent-assistance', 'Rent assistance', 'Ayuda con el alquiler', 'housing'),
    ('transitional-housing', 'Transitional housing', 'Vivienda de transición', 'housing'),
    ('affordable-housing', 'Affordable housing', 'Vivienda asequible', 'housing'),
    ('home-repair', 'Home repair', 'Reparaciones del hogar', 'housing'),
    ('eviction-prevention', 'Eviction prevention', 'Prevención de desalojos', 'housing'),
    ('utilities', 'Utilities', 'Servicios públicos', None),
    ('utility-bill-help', 'Help paying utility bills', 'Ayuda para pagar facturas de servicios', 'utilities'),
    ('heating-cooling', 'Heating and cooling', 'Calefacción y aire acondicionado', 'utilities'),
    ('weatherization', 'Weatherization', 'Climatización del hogar', 'utilities'),
    ('phone-internet', 'Phone and internet', 'Teléfono e internet', 'utilities'),
    ('transportation', 'Transportation', 'Transporte', None),
    ('medical-rides', 'Rides to medical appointments', 'Transporte a citas médicas', 'transportation'),
    ('public-transit', 'Public transit and bus passes', 'Transporte público y pases de autobús', 'transportation'),
    ('gas-car-repair', 'Gas and car repair', 'Gasolina y reparación de autos', 'transportation'),
    ('health-care', 'Health care', 'Atención médica', None),
    ('clinics', 'Clinics', 'Clínicas', 'health-care'),
    ('dental', 'Dental care', 'Atención dental', 'health-care'),
    ('vision', 'Vision care', 'Atención de la vista', 'health-care'),
    ('prescriptions', 'Prescription help', 'Ayuda con recetas', 'health-care'),
    ('health-insurance', 'Health insurance enrollment', 'Inscripción en seguro médico', 'health-care'),
    ('prenatal', 'Pregnancy and prenatal care', 'Embarazo y atención prenatal', 'health-care'),
    ('mental-health', 'Mental health', 'Salud mental', None),
    ('counseling', 'Counseling', 'Consejería', 'mental-health'),
    ('crisis-lines', 'Crisis lines', 'Líneas de crisis', 'mental-health'),
    ('psychiatric-care', 'Psychiatric care', 'Atención psiquiátrica', 'mental-health'),
    ('support-groups', 'Support groups', 'Grupos de apoyo', 'mental-health'),
    ('substance-use', 'Substance use', 'Uso de sustancias', None),
    ('addiction-treatment', 'Addiction treatment', 'Tratamiento de adicciones', 'substance-use'),
    ('detox', 'Detox', 'Desintoxicación', 'substance-use'),
    ('recovery-support', 'Recovery support', 'Apoyo para la recuperación', 'substance-use'),
    ('harm-reduction', 'Harm reduction', 'Reducción de daños', 'substance-use'),
    ('employment', 'Employment', 'Empleo', None),
    ('job-training', 'Job training', 'Capacitación laboral', 'employment'),
    ('job-search', 'Job search help', 'Ayuda para buscar trabajo', 'employment'),
    ('unemployment-benefits', 'Unemployment benefits', 'Beneficios de desempleo', 'employment'),
    ('education', 'Education', 'Educación', None),
    ('ged', 'GED and adult education', 'GED y educación para adultos', 'education'),
    ('esl', 'English classes', 'Clases de inglés', 'education'),
    ('tutoring', 'Tutoring', 'Tutoría', 'education'),
    ('college-help', 'College and financial aid help', 'Ayuda con la universidad y ayuda financiera', 'education'),
    ('income', 'Income and money', 'Ingresos y dinero', None),
    ('cash-assistance', 'Cash assistance', 'Asistencia en efectivo', 'income'),
    ('tax-preparation', 'Free tax preparation', 'Preparación gratuita de impuestos', 'income'),
    ('financial-coaching', 'Financial coaching', 'Asesoría financiera', 'income'),
    ('benefits-enrollment', 'Benefits enrollment', 'Inscripción en beneficios', 'income'),
    ('child-care', 'Child care', 'Cuidado infantil', None),
    ('daycare', 'Daycare', 'Guardería', 'child-care'),
    ('child-care-subsidy', 'Child care assistance', 'Ayuda con el cuidado infantil', 'child-care'),
    ('after-school', 'After-school programs', 'Programas después de la escuela', 'child-care'),
    ('diapers', 'Diapers and baby supplies', 'Pañales y artículos para bebés', 'child-care'),
    ('parenting', 'Parenting support', 'Apoyo para padres', 'child-care'),
    ('legal', 'Legal', 'Legal', None),
    ('legal-aid', 'Free legal aid', 'Asistencia legal gratuita', 'legal'),
    ('tenant-rights', 'Tenant rights', 'Derechos de inquilinos', 'legal'),
    ('immigration-legal', 'Immigration help', 'Ayuda de inmigración', 'legal'),
    ('expungement', 'Record expungement', 'Eliminación de antecedentes', 'legal'),
    ('safety', 'Safety and violence', 'Seguridad y violencia', None),
    ('domestic-violence', 'Domestic violence help', 'Ayuda contra la violencia doméstica', 'safety'),
    ('dv-shelter', 'Domestic violence shelters', 'Refugios para víctimas de violencia doméstica', 'safety'),
    ('sexual-assault', 'Sexual assault support', 'Apoyo por agresión sexual', 'safety'),
    ('victim-services', 'Crime victim services', 'Servicios para víctimas de delitos', 'safety'),
    ('social-connection', 'Social connection', 'Conexión social', None),
    ('senior-centers', 'Senior centers', 'Centros para personas mayores', 'social-connection'),
    ('mentoring', 'Mentoring', 'Mentoría', 'social-connection'),
    ('community-centers', 'Community centers', 'Centros comunitarios', 'social-connection'),
    ('disability', 'Disability', 'Discapacidad', None),
    ('disability-services', 'Disability services', 'Servicios para discapacidades', 'disability'),
    ('assistive-technology', 'Assistive technology', 'Tecnología de asistencia', 'disability'),
    ('independent-living', 'Independent living', 'Vida independiente', 'disability'),
    ('veterans', 'Veterans', 'Veteranos', None),
    ('veteran-benefits', 'Veteran benefits', 'Beneficios para veteranos', 'veterans'),
    ('veteran-housing', 'Housing for veterans', 'Vivienda para veteranos', 'veterans'),
    ('veteran-health', 'Veteran health care', 'Atención médica para veteranos', 'veterans'),
    ('goods', 'Clothing and household goods', 'Ropa y artículos del hogar', None),
    ('clothing', 'Clothing', 'Ropa', 'goods'),
    ('furniture', 'Furniture and appliances', 'Muebles y electrodomésticos', 'goods'),
    ('hygiene', 'Personal hygiene items', 'Artículos de higiene personal', 'goods'),
)


def term_id(code):
    return uuid.uuid5(NAMESPACE, f"term:{code}")


def load(apps, schema_editor):
    Taxonomy = apps.get_model("directory", "Taxonomy")
    TaxonomyTerm = apps.get_model("directory", "TaxonomyTerm")
    Taxonomy.objects.update_or_create(
        id=TAXONOMY_ID,
        defaults={
            "name": TAXONOMY_NAME,
            "uri": "https://wayfinder.example.org/taxonomy/sdoh",
            "version": "1",
            "description": "Social determinants of health categories used by Wayfinder (English and Spanish).",
        },
    )
    for code, name, description, parent in TERMS:
        TaxonomyTerm.objects.update_or_create(
            id=term_id(code),
            defaults={
                "code": code,
                "name": name,
                "description": description,
                "parent_id": term_id(parent) if parent else None,
                "taxonomy_ref_id": TAXONOMY_ID,
                "language": "en",
                "taxonomy_label": TAXONOMY_NAME,
                "source": "reviewer",
            },
        )


class Migration(migrations.Migration):
    dependencies = [("directory", "0001_initial")]
    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
