"""Seed the statutory calendar (holidays on weekdays, weekend workdays) from the chinesecalendar package."""

from django.db import migrations

FIRST_YEAR = 2020


def seed(apps, schema_editor):
    from linli.core.workdays import package_rows, package_years

    CalendarDay = apps.get_model("core", "CalendarDay")
    _first, last = package_years()
    existing = set(CalendarDay.objects.values_list("date", flat=True))
    CalendarDay.objects.bulk_create([
        CalendarDay(date=day, is_workday=workday, name=name)
        for day, workday, name in package_rows(FIRST_YEAR, last) if day not in existing
    ])


class Migration(migrations.Migration):
    dependencies = [("core", "0003_calendarday")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
