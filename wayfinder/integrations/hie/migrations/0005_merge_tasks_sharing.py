# The tasks helper's 0003 and the core helper's 0004 both follow 0001 (CONTRACT-fhir.md);
# this joins them so the branch migrates on its own. The lead may replace it at integration.
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hie", "0003_tasks"),
        ("hie", "0004_sharing"),
    ]

    operations = []
