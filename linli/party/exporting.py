"""xlsx exports of party data: the member list and the quarterly 双报到 record sheet for employers.

Rows come through the chokepoint with the "export" action; personal numbers are the stored masks only; the
first row names the exporter and the time; every export writes one audit row (action "export").
"""

from __future__ import annotations

import json
import tempfile
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from openpyxl import Workbook
from openpyxl.styles import Font

from linli.core import audit
from linli.core.permissions import Action, may_any, require

from . import selectors
from .models import InServiceMember, PartyMember


def _who(actor) -> tuple[str, str]:
    name = getattr(actor, "display_name", "") or actor.get_full_name() or actor.get_username()
    return f"{name} ({actor.get_username()})", timezone.localtime().strftime("%Y-%m-%d %H:%M")


def _safe(value):
    """Text cells never start with a formula character (CSV/xlsx injection)."""
    if isinstance(value, str) and value[:1] in ("=", "+", "-", "@"):
        return "'" + value
    return value


def _row(ws, values, bold=False):
    ws.append([_safe(v) for v in values])
    if bold:
        for c in ws[ws.max_row]:
            c.font = Font(bold=True)


def _save(wb) -> tempfile.SpooledTemporaryFile:
    out = tempfile.TemporaryFile()  # noqa: SIM115 - handed to FileResponse, which closes it
    wb.save(out)
    out.seek(0)
    return out


def _banner(title, who, when) -> str:
    return _("%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass it on"
             ) % {"title": title, "who": who, "when": when}


def export_members(*, actor, filters: dict, description: dict | None = None):
    """The members list as the user filtered it (masked), audited. Returns (file, row count)."""
    if not may_any(actor, PartyMember, Action.EXPORT):
        raise PermissionDenied(_("You may not export party members."))
    qs = selectors.members(actor, action=Action.EXPORT, **filters)
    who, when = _who(actor)
    title = str(_("Party members"))
    wb = Workbook()
    ws = wb.active
    ws.title = title[:31]
    wb.properties.creator = who
    _row(ws, [_banner(title, who, when)])
    _row(ws, [pgettext("person", "Name"), _("Gender"), _("ID number"), _("Phone"), _("Branch"), _("Party group"),
              _("Status"), _("Joined the party on"), _("Full member since"), _("Dues paid until"), _("Address"),
              _("Active")], bold=True)
    n = 0
    for m in qs.iterator(chunk_size=1000):
        r = m.resident
        _row(ws, [r.name, r.get_gender_display(), r.id_masked, r.phone_masked, m.org.name,
                  m.group.name if m.group_id else "", m.get_status_display(), m.joined_on, m.full_on,
                  m.dues_paid_until, r.address, _("yes") if m.is_active else _("no")])
        n += 1
    info = wb.create_sheet(_("Export information")[:31])
    for k, v in ((_("Exported by"), who), (_("Exported at"), when), (_("Rows"), n),
                 (_("Filters"), json.dumps(description or {}, ensure_ascii=False))):
        _row(info, [k, v])
    audit.record(actor=actor, action="export", object_type="party.partymember", object_id="",
                 object_repr=str(PartyMember._meta.verbose_name_plural), scope_path=filters.get("under") or "",
                 note=json.dumps({"filters": description or {}, "rows": n}, ensure_ascii=False)[:2000])
    return _save(wb), n


def export_quarter_sheet(*, actor, members: list[InServiceMember], year: int, quarter: int):
    """The quarterly 在职党员 service record sheet, one sheet per member, for the employer's party organisation.

    Each member is checked with ``require(actor, "export", member)``; one audit row per export lists them.
    """
    if not members:
        raise PermissionDenied(_("Nothing to export."))
    for m in members:
        require(actor, Action.EXPORT, m)
    start, end = selectors.quarter_bounds(year, quarter)
    who, when = _who(actor)
    title = _("In-service party member service record, %(year)s Q%(q)s") % {"year": year, "q": quarter}
    wb = Workbook()
    wb.remove(wb.active)
    wb.properties.creator = who
    wb.properties.title = title
    used = set()
    records = {}
    for rec in (selectors.records(actor, start=start, end=end, action=Action.VIEW)
                .filter(member__in=[m.pk for m in members]).order_by("date", "pk")):
        records.setdefault(rec.member_id, []).append(rec)
    year_hours = selectors.service_hours_many([m.pk for m in members], year)
    items = selectors.sheet_items(actor, members, start, end)
    for m in members:
        name = f"{m.resident.name}"[:28]
        sheet_name, i = name, 2
        while sheet_name in used:
            sheet_name, i = f"{name[:26]}{i}", i + 1
        used.add(sheet_name)
        ws = wb.create_sheet(sheet_name)
        ws.column_dimensions["A"].width = 14
        ws.column_dimensions["B"].width = 50
        ws.column_dimensions["C"].width = 10
        ws.column_dimensions["D"].width = 18
        _row(ws, [_banner(title, who, when)])
        _row(ws, [title], bold=True)
        _row(ws, [pgettext("person", "Name"), m.resident.name, _("Phone"), m.resident.phone_masked])
        _row(ws, [_("Employer"), m.employer.name, _("Employer's party organisation"), m.employer_party_org])
        _row(ws, [_("Community"), m.community.name, _("Last reported on"), m.reported_on])
        _row(ws, [_("Skills"), m.skills, _("Service intention"), m.service_intention])
        mine = items[m.pk]
        recs = records.get(m.pk, [])
        total = sum((rec.hours for rec in recs), Decimal("0"))
        wishes = mine["wishes"] or []
        fulfilled = sum(1 for w in wishes if w.state == "done")
        _row(ws, [_("This quarter"), _("%(posts)s posts, %(projects)s projects, %(wishes)s micro-wishes claimed "
                                       "(%(fulfilled)s fulfilled), %(hours)s service hours") % {
            "posts": len(mine["posts"]), "projects": len(mine["projects"] or []), "wishes": len(wishes),
            "fulfilled": fulfilled, "hours": total}], bold=True)
        _row(ws, [])
        _row(ws, [_("Claimed posts")], bold=True)
        _row(ws, [_("Claimed on"), _("Post"), "", _("Released on")])
        for c in mine["posts"]:
            _row(ws, [c.claimed_on, c.post.title, "", c.released_on or ""])
        if not mine["posts"]:
            _row(ws, ["", _("none")])
        if mine["projects"] is not None:
            _row(ws, [])
            _row(ws, [_("Claimed projects")], bold=True)
            _row(ws, [_("Claimed on"), _("Project"), _("Partner"), _("Released on")])
            for c in mine["projects"]:
                title = f"{c.project.title} — {c.role}" if c.role else c.project.title
                _row(ws, [c.claimed_on, title, c.project.partner.organisation.name, c.released_on or ""])
            if not mine["projects"]:
                _row(ws, ["", _("none")])
        if mine["wishes"] is not None:
            _row(ws, [])
            _row(ws, [_("Micro-wishes")], bold=True)
            _row(ws, [_("Claimed on"), _("Micro-wish"), _("State"), _("Ended on")])
            for c in wishes:
                _row(ws, [timezone.localtime(c.created_at).date(), c.wish.title, c.get_state_display(),
                          timezone.localtime(c.ended_at).date() if c.ended_at else ""])
            if not wishes:
                _row(ws, ["", _("none")])
        _row(ws, [])
        _row(ws, [_("Service records")], bold=True)
        _row(ws, [_("Date"), _("Content"), _("Hours"), _("Source")], bold=True)
        for rec in recs:
            _row(ws, [rec.date, rec.content, rec.hours, rec.source])
        _row(ws, [_("Quarter total"), "", total, ""], bold=True)
        _row(ws, [_("Year to date"), "", year_hours.get(m.pk, Decimal("0")), ""])
        _row(ws, [])
        _row(ws, [_("Community (seal)"), "", _("Date"), timezone.localdate()])
    audit.record(actor=actor, action="export", object_type="party.inservicemember",
                 object_id=str(members[0].pk) if len(members) == 1 else "",
                 object_repr=str(title)[:200], scope_path=members[0].scope_path if len(members) == 1 else "",
                 note=json.dumps({"year": year, "quarter": quarter, "members": [m.pk for m in members]})[:2000])
    return _save(wb)
