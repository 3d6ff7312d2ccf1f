from decimal import Decimal

from django.db import migrations

RULES = (
    # code, name, points per unit, cap
    ("volunteer_hours", "志愿服务时长（每小时）", Decimal("1.00"), Decimal("2.00")),
    ("wish_fulfilled", "认领并完成微心愿", Decimal("5.00"), None),
    ("report_confirmed", "随手拍问题经核实办结", Decimal("2.00"), None),
)


def seed(apps, schema_editor):
    EarningRule = apps.get_model("points", "EarningRule")
    for code, name, points, cap in RULES:
        EarningRule.objects.get_or_create(code=code, defaults={"name": name, "points_per_unit": points,
                                                               "cap_units": cap, "scope_path": ""})


class Migration(migrations.Migration):
    dependencies = [("points", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
