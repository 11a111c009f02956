"""PostgreSQL extensions used for name matching (client and organization search)
and distances. A no-op on SQLite."""

from django.db import migrations

EXTENSIONS = ("pg_trgm", "unaccent", "cube", "earthdistance")


def create_extensions(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for name in EXTENSIONS:
        schema_editor.execute(f"CREATE EXTENSION IF NOT EXISTS {name}")


class Migration(migrations.Migration):
    dependencies = [("accounts", "0001_initial")]

    operations = [migrations.RunPython(create_extensions, migrations.RunPython.noop)]
