"""Queue columns on case assignments (to sign for / in hand / off, and the next deadline), filled for existing rows."""

from django.db import migrations, models
from django.db.models import Case, DateTimeField, OuterRef, Subquery, Value, When

ACTIVE = ("accepted", "dispatched", "signed", "handling", "completed")


def fill(apps, schema_editor):
    Assignment = apps.get_model("workorders", "CaseAssignment")
    CaseModel = apps.get_model("workorders", "Case")
    case = CaseModel.objects.filter(pk=OuterRef("case_id"))
    live = Assignment.objects.filter(case__state__in=ACTIVE).exclude(status__in=("withdrawn", "returned"))
    live.update(
        queue_rank=Case(When(status="pending", then=Value(0)), default=Value(1)),
        due_at=Case(When(status="pending", then=Subquery(case.values("sign_due"))),
                    default=Subquery(case.values("handle_due")), output_field=DateTimeField()),
    )


class Migration(migrations.Migration):

    dependencies = [
        ('orgs', '0002_organisation_location'),
        ('workorders', '0005_category_keywords_statistics_right'),
    ]

    operations = [
        migrations.RemoveIndex(
            model_name='caseassignment',
            name='wo_assignment_queue',
        ),
        migrations.AddField(
            model_name='caseassignment',
            name='due_at',
            field=models.DateTimeField(blank=True, editable=False, null=True, verbose_name='next deadline'),
        ),
        migrations.AddField(
            model_name='caseassignment',
            name='queue_rank',
            field=models.PositiveSmallIntegerField(choices=[(0, 'To sign for'), (1, 'In hand'), (2, 'Not in the queue')], default=2, editable=False, verbose_name='place in the queue'),
        ),
        migrations.AddIndex(
            model_name='caseassignment',
            index=models.Index(fields=['organisation', 'queue_rank', 'due_at', 'case'], name='wo_assignment_queue'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
