# Joins the inbound branch (0002_inbound) and the sharing choice (0004_sharing); the
# lead may replace it with the integration merge migration (0003_tasks joins there too).
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hie", "0002_inbound"),
        ("hie", "0004_sharing"),
    ]

    operations = []
