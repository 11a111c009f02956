# The exchange's areas (inbound, referral tasks, sharing choices) were built side by
# side from 0001; this joins them.

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("hie", "0002_inbound"),
        ("hie", "0003_tasks"),
        ("hie", "0004_sharing"),
    ]

    operations = []
