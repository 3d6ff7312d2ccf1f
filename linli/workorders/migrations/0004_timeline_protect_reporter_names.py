"""Timeline entries written by the reporter of a confidential or anonymous case stored the reporter's name as
``actor_label`` (shown to handlers). Clear it and mark the entries ``by_reporter``, as new entries are written:
the name is shown on display only to whoever may see the reporter."""

from django.db import migrations
from django.db.models import F


def forwards(apps, schema_editor):
    CaseEvent = apps.get_model("workorders", "CaseEvent")
    rows = (CaseEvent.objects.filter(case__confidentiality__in=["confidential", "anonymous"],
                                     case__reporter__isnull=False, actor_id=F("case__reporter_id"))
            .only("pk", "data", "actor_label"))
    for event in rows.iterator(chunk_size=500):
        data = dict(event.data or {})
        data["by_reporter"] = True
        CaseEvent.objects.filter(pk=event.pk).update(actor_label="", data=data)


class Migration(migrations.Migration):
    dependencies = [("workorders", "0003_open311")]
    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
