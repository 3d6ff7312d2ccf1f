from django.db import migrations

RULES = (
    # name, tag code, event kind, days
    ("独居老人每月至少走访一次", "elderly_alone", "", 30),
    ("空巢老人每两月至少走访一次", "empty_nest", "", 60),
    ("住院必访", "", "hospitalised", 3),
    ("丧事必访", "", "bereaved", 3),
    ("突发困难必访", "", "hardship", 2),
)


def seed(apps, schema_editor):
    VisitRule = apps.get_model("visits", "VisitRule")
    for name, tag, event, days in RULES:
        VisitRule.objects.get_or_create(name=name, defaults={"tag_code": tag, "event_kind": event, "days": days,
                                                             "scope_path": ""})


class Migration(migrations.Migration):
    dependencies = [("visits", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
