"""Seed the statutory rhythm (中国共产党支部工作条例(试行), domain rules §2). Administrators change the rows later."""

from django.db import migrations

DEFAULT_RHYTHM = [
    ("general_assembly", "branch", "quarter"),
    ("committee", "branch", "month"),
    ("party_lecture", "branch", "quarter"),
    ("theme_day", "branch", "month"),
    ("life_meeting", "branch", "year"),
    ("evaluation", "branch", "year"),
    ("heart_talk", "branch", "year"),
    ("general_assembly", "general_branch", "quarter"),
    ("committee", "general_branch", "month"),
    ("party_lecture", "general_branch", "quarter"),
    ("theme_day", "general_branch", "month"),
    ("life_meeting", "general_branch", "year"),
    ("evaluation", "general_branch", "year"),
    ("heart_talk", "general_branch", "year"),
    ("group_meeting", "group", "month"),
]


def seed(apps, schema_editor):
    RhythmRule = apps.get_model("orglife", "RhythmRule")
    for kind, org_kind, period in DEFAULT_RHYTHM:
        RhythmRule.objects.get_or_create(kind=kind, org_kind=org_kind, defaults={"period": period})


class Migration(migrations.Migration):
    dependencies = [("orglife", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
