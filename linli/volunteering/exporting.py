"""xlsx exports of volunteering lists (domain rules §8/§10): rows through the chokepoint with the "export" action,
ID and phone numbers only as the stored masks (never decrypted), the exporter's name and the time in the first row,
on an information sheet and in the file's properties, one audit row per export. Streamed: openpyxl's write-only
mode writes rows to a temporary file as they come from a server-side iterator, so memory does not grow with the
list; the file is anonymous (deleted when the response closes it).

* ``export_volunteers`` — the volunteer list (masked);
* ``export_signups`` — one activity's sign-up and attendance list with check-in/out and hours.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.paths import common_path
from linli.core.permissions import Action, bindings_for, may_any, require, restrict, role_may
from linli.core.xlsx import Book as _Workbook
from linli.core.xlsx import signature

from . import selectors
from .models import Activity, SignUp, Volunteer

CHUNK = 1000


def export_scope(actor, model) -> str:
    """The place path the audit row is filed under: the deepest place above everything the actor may export."""
    if actor.is_superuser:
        return ""
    return common_path(
        [p for b in bindings_for(actor) if role_may(b.role, model, Action.EXPORT) for p in model.coverage_prefixes(b)]
    )


class Book:
    """A write-only workbook: a banner row naming the exporter and the time, bold headers, the rows, then an
    information sheet (exporter, time, rows, filters, note)."""

    def __init__(self, *, actor, title: str, headers: list[str], widths: list[int] | None = None, sheet: str = ""):
        self.title = title
        self.who, self.when = signature(actor)
        self.wb = _Workbook(creator=self.who, title=title)
        self.ws = self.wb.sheet(sheet or title, widths=widths)
        self.ws.append(
            [
                _(
                    "%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, "
                    "do not pass it on · ID and phone numbers are masked"
                )
                % {"title": title, "who": self.who, "when": self.when}
            ]
        )
        self.ws.append(headers, bold=True)
        self.count = 0

    def append(self, values) -> None:
        self.ws.append(values)
        self.count += 1

    def close(self, filters: dict, extra: list | None = None):
        info = self.wb.sheet(_("Export information"))
        for row in extra or []:
            info.append(row)
        info.append([_("Exported by"), self.who])
        info.append([_("Exported at"), self.when])
        info.append([_("Rows"), self.count])
        info.append([_("Filters"), json.dumps(filters, ensure_ascii=False) if filters else _("none")])
        info.append([_("Note"), _("ID and phone numbers are masked. Full numbers are never exported.")])
        return self.wb.save()


def _audit(actor, *, model, object_id="", object_repr="", filters: dict, count: int, scope_path: str) -> None:
    audit.record(
        actor=actor,
        action="export",
        object_type=model._meta.label_lower,
        object_id=str(object_id),
        object_repr=object_repr or str(model._meta.verbose_name_plural),
        scope_path=scope_path,
        note=json.dumps({"filters": filters, "rows": count}, ensure_ascii=False)[:2000],
    )


def _local(value):
    return timezone.localtime(value).replace(tzinfo=None) if value else None


def export_volunteers(*, actor, q: str = ""):
    """The volunteers ``actor`` may export (masked), as (file, rows)."""
    if not may_any(actor, Volunteer, Action.EXPORT):
        raise PermissionDenied(_("You may not export volunteers."))
    book = Book(
        actor=actor,
        title=_("Volunteers"),
        widths=[16, 10, 22, 16, 14, 24, 12, 8, 12, 10, 8],
        headers=[
            _("Volunteer number"),
            _("Name"),
            _("ID number"),
            _("Phone"),
            _("Community"),
            _("Skills"),
            _("Available time"),
            _("Status"),
            _("Registered on"),
            _("Confirmed hours"),
            _("Star level"),
        ],
    )
    for v in selectors.volunteers(actor, action=Action.EXPORT, q=q).iterator(chunk_size=CHUNK):
        r = v.resident
        book.append(
            [
                v.number,
                r.name,
                r.id_masked,
                r.phone_masked,
                v.community.name,
                "、".join(v.skill_labels),
                v.get_availability_display(),
                v.get_status_display(),
                v.registered_on,
                v.total_hours,
                v.stars,
            ]
        )
    filters = {"q": q} if q else {}
    out = book.close(filters)
    _audit(actor, model=Volunteer, filters=filters, count=book.count, scope_path=export_scope(actor, Volunteer))
    return out, book.count


def export_signups(*, actor, activity: Activity):
    """One activity's sign-ups (confirmed, waiting, cancelled) with check-in/out, the hours from them and the
    confirmed hours of the service record — the organiser's attendance list. Names, volunteer numbers and masked
    phones only."""
    require(actor, Action.EXPORT, activity)
    sheet = _("Sign-ups and attendance")
    book = Book(
        actor=actor,
        title=f"{sheet} · {activity.title}",
        sheet=sheet,
        widths=[16, 10, 16, 10, 17, 17, 10, 17, 10, 10, 10],
        headers=[
            _("Volunteer number"),
            _("Name"),
            _("Phone"),
            _("Status"),
            _("Signed up at"),
            _("Checked in at"),
            _("Check-in"),
            _("Checked out at"),
            _("Check-out"),
            _("Hours from check-in/out"),
            _("Confirmed hours"),
        ],
    )
    qs = (
        restrict(SignUp.objects.filter(activity=activity), actor, Action.EXPORT)
        .select_related("activity", "volunteer__resident", "record")
        .order_by("status", "signed_up_at", "pk")
    )
    for s in qs.iterator(chunk_size=CHUNK):
        r = s.volunteer.resident
        record = getattr(s, "record", None)
        book.append(
            [
                s.volunteer.number,
                r.name,
                r.phone_masked,
                s.get_status_display(),
                _local(s.signed_up_at),
                _local(s.checked_in_at),
                s.get_checked_in_by_display(),
                _local(s.checked_out_at),
                s.get_checked_out_by_display(),
                s.claimed_hours,
                record.hours if record else None,
            ]
        )
    filters = {"activity": activity.pk}
    out = book.close(
        filters,
        extra=[
            [_("Activity"), activity.title],
            [_("Time"), f"{_local(activity.starts_at):%Y-%m-%d %H:%M} – {_local(activity.ends_at):%Y-%m-%d %H:%M}"],
            [_("Organising body"), activity.organiser_name],
            [_("Person in charge"), activity.person_in_charge],
        ],
    )
    _audit(
        actor,
        model=SignUp,
        object_id=activity.pk,
        object_repr=activity.title,
        filters=filters,
        count=book.count,
        scope_path=activity.scope_path,
    )
    return out, book.count
