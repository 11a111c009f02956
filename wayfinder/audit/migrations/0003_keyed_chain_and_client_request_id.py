"""Keyed chain (the HMAC key id per row) and the client's request id beside ours.

Rows written before this migration keep ``key_id = ""``: they were hashed with
plain SHA-256 and still verify that way; every new row is an HMAC. SQLite adds a
column by rebuilding the table, which drops its triggers, so they are installed
again in the same migration.
"""

from django.db import migrations, models


def reinstall_triggers(apps, schema_editor):
    from wayfinder.audit import triggers

    triggers.install(schema_editor.connection)


class Migration(migrations.Migration):
    dependencies = [("audit", "0002_append_only_triggers")]

    operations = [
        migrations.AddField(
            model_name="auditevent",
            name="client_request_id",
            field=models.CharField(blank=True, max_length=64, default=""),
            preserve_default=False,
        ),
        migrations.AddField(
            model_name="auditevent",
            name="key_id",
            field=models.CharField(blank=True, editable=False, max_length=16, default=""),
            preserve_default=False,
        ),
        migrations.RunPython(reinstall_triggers, migrations.RunPython.noop),
    ]
