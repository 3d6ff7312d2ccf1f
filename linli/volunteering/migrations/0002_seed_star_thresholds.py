from decimal import Decimal

from django.db import migrations

DEFAULTS = [(1, "100"), (2, "300"), (3, "600"), (4, "1000"), (5, "1500")]


def seed(apps, schema_editor):
    StarThreshold = apps.get_model("volunteering", "StarThreshold")
    for level, hours in DEFAULTS:
        StarThreshold.objects.get_or_create(level=level, defaults={"hours": Decimal(hours)})


def unseed(apps, schema_editor):
    apps.get_model("volunteering", "StarThreshold").objects.all().delete()


class Migration(migrations.Migration):
    dependencies = [("volunteering", "0001_initial")]
    operations = [migrations.RunPython(seed, unseed)]
