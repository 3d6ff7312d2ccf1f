"""The volunteer list as xlsx: rows through the chokepoint with the "export" action, ID and phone masked (never
decrypted), the exporter's name and the time in the file, one audit row per export (domain rules §10)."""

from __future__ import annotations

import json
import tempfile

from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core import audit
from linli.core.permissions import Action

from . import selectors
from .models import Volunteer


def export_volunteers(*, actor, q: str = "") -> tuple[str, str]:
    who = str(actor)
    when = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    wb = Workbook()
    ws = wb.active
    ws.title = _("Volunteers")
    wb.properties.creator = who
    ws.append([_("Volunteers · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass "
                 "it on · ID and phone numbers are masked") % {"who": who, "when": when}])
    headers = [_("Volunteer number"), _("Name"), _("ID number"), _("Phone"), _("Community"), _("Skills"),
               _("Available time"), _("Status"), _("Registered on"), _("Confirmed hours"), _("Star level")]
    ws.append(headers)
    for cell in ws[2]:
        cell.font = Font(bold=True)
    count = 0
    qs = selectors.volunteers(actor, action=Action.EXPORT, q=q)
    for v in qs.iterator(chunk_size=500):
        r = v.resident
        ws.append([v.number, r.name, r.id_masked, r.phone_masked, v.community.name, "、".join(v.skill_labels),
                   v.get_availability_display(), v.get_status_display(), v.registered_on,
                   float(v.total_hours), v.stars])
        count += 1
    info = wb.create_sheet(_("Export information"))
    for row in ([_("Exported by"), who], [_("Exported at"), when], [_("Rows"), count],
                [_("Filters"), q or _("none")],
                [_("Note"), _("ID and phone numbers are masked. Full numbers are never exported.")]):
        info.append(row)
    out = tempfile.NamedTemporaryFile(suffix=".xlsx", delete=False)  # noqa: SIM115
    wb.save(out.name)
    audit.record(actor=actor, action="export", object_type=Volunteer._meta.label_lower, object_id="",
                 object_repr=str(Volunteer._meta.verbose_name_plural), scope_path="",
                 note=json.dumps({"q": q, "rows": count}, ensure_ascii=False))
    return out.name, f"volunteers-{timezone.localdate():%Y%m%d}.xlsx"
