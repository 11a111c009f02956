"""Partner status moves to the organization (Organization.partner_since), where the
public directory reads it without importing the partners app (issue #15).

Written against the historical models only, so it never depends on live code."""

from django.db import migrations


def copy_forward(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Organization = apps.get_model("directory", "Organization")
    for organization_id, onboarded_at in Partner.objects.filter(onboarded_at__isnull=False).values_list(
        "organization_id", "onboarded_at"
    ):
        Organization.objects.filter(pk=organization_id).update(partner_since=onboarded_at)


def copy_back(apps, schema_editor):
    Partner = apps.get_model("partners", "Partner")
    Organization = apps.get_model("directory", "Organization")
    for organization_id, partner_since in Organization.objects.filter(partner_since__isnull=False).values_list(
        "pk", "partner_since"
    ):
        Partner.objects.filter(organization_id=organization_id).update(onboarded_at=partner_since)


class Migration(migrations.Migration):
    dependencies = [
        ("directory", "0004_organization_partner_since"),
        ("partners", "0003_referral_sms_opt_in"),
    ]

    operations = [
        migrations.RunPython(copy_forward, copy_back),
        migrations.RemoveField(model_name="partner", name="onboarded_at"),
    ]
