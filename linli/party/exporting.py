"""xlsx exports of party data: the member list and the quarterly 双报到 record sheet for employers.

Rows come through the chokepoint with the "export" action; personal numbers are the stored masks only; the
first row names the exporter and the time; every export writes one audit row (action "export").
"""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.core import audit, dates
from linli.core.permissions import Action, may_any, require
from linli.core.xlsx import Book, signature

from . import selectors
from .models import InServiceMember, PartyMember


def _banner(title, who, when) -> str:
    return _("%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass it on") % {
        "title": title,
        "who": who,
        "when": when,
    }


def export_members(*, actor, filters: dict, description: dict | None = None):
    """The members list as the user filtered it (masked), audited. Returns (file, row count)."""
    if not may_any(actor, PartyMember, Action.EXPORT):
        raise PermissionDenied(_("You may not export party members."))
    qs = selectors.members(actor, action=Action.EXPORT, **filters)
    who, when = signature(actor)
    title = str(_("Party members"))
    book = Book(creator=who, title=title)
    ws = book.sheet(title)
    ws.append([_banner(title, who, when)])
    ws.append(
        [
            pgettext("person", "Name"),
            _("Gender"),
            _("ID number"),
            _("Phone"),
            _("Branch"),
            _("Party group"),
            _("Status"),
            _("Joined the party on"),
            _("Full member since"),
            _("Dues paid until"),
            _("Address"),
            _("Active"),
        ],
        bold=True,
    )
    n = 0
    for m in qs.iterator(chunk_size=1000):
        r = m.resident
        ws.append(
            [
                r.name,
                r.get_gender_display(),
                r.id_masked,
                r.phone_masked,
                m.org.name,
                m.group.name if m.group_id else "",
                m.get_status_display(),
                m.joined_on,
                m.full_on,
                m.dues_paid_until,
                r.address,
                _("yes") if m.is_active else _("no"),
            ]
        )
        n += 1
    info = book.sheet(_("Export information"))
    for k, v in (
        (_("Exported by"), who),
        (_("Exported at"), when),
        (_("Rows"), n),
        (_("Filters"), json.dumps(description or {}, ensure_ascii=False)),
    ):
        info.append([k, v])
    audit.record(
        actor=actor,
        action="export",
        object_type="party.partymember",
        object_id="",
        object_repr=str(PartyMember._meta.verbose_name_plural),
        scope_path=filters.get("under") or "",
        note=json.dumps({"filters": description or {}, "rows": n}, ensure_ascii=False)[:2000],
    )
    return book.save(), n


def export_quarter_sheet(*, actor, members: list[InServiceMember], year: int, quarter: int):
    """The quarterly 在职党员 service record sheet, one sheet per member, for the employer's party organisation.

    Each member is checked with ``require(actor, "export", member)``; one audit row per export lists them.
    """
    if not members:
        raise PermissionDenied(_("Nothing to export."))
    for m in members:
        require(actor, Action.EXPORT, m)
    start, end = selectors.quarter_bounds(year, quarter)
    who, when = signature(actor)
    title = _("In-service party member service record, %(year)s Q%(q)s") % {"year": year, "q": quarter}
    book = Book(creator=who, title=title)
    records = {}
    for rec in (
        selectors.records(actor, start=start, end=end, action=Action.VIEW)
        .filter(member__in=[m.pk for m in members])
        .order_by("date", "pk")
    ):
        records.setdefault(rec.member_id, []).append(rec)
    year_hours = selectors.service_hours_many([m.pk for m in members], year)
    items = selectors.sheet_items(actor, members, start, end)
    for m in members:
        ws = book.sheet(m.resident.name, widths=[14, 50, 10, 18])
        ws.append([_banner(title, who, when)])
        ws.append([title], bold=True)
        ws.append([pgettext("person", "Name"), m.resident.name, _("Phone"), m.resident.phone_masked])
        ws.append([_("Employer"), m.employer.name, _("Employer's party organisation"), m.employer_party_org])
        ws.append([_("Community"), m.community.name, _("Last reported on"), m.reported_on])
        ws.append([_("Skills"), m.skills, _("Service intention"), m.service_intention])
        mine = items[m.pk]
        recs = records.get(m.pk, [])
        total = sum((rec.hours for rec in recs), Decimal("0"))
        parts = [_("%(n)s posts") % {"n": len(mine["posts"])}]
        parts += [section.summary(rows) for section, rows in mine["sections"]]
        ws.append(
            [
                _("This quarter"),
                _("%(items)s, %(hours)s service hours")
                % {"items": pgettext("enumeration", ", ").join(str(p) for p in parts), "hours": total},
            ],
            bold=True,
        )
        ws.append()
        ws.append([_("Claimed posts")], bold=True)
        ws.append([_("Claimed on"), _("Post"), "", _("Released on")])
        for c in mine["posts"]:
            ws.append([c.claimed_on, c.post.title, "", c.released_on or ""])
        if not mine["posts"]:
            ws.append(["", _("none")])
        for section, rows in mine["sections"]:
            ws.append()
            ws.append([section.title], bold=True)
            ws.append(list(section.headers))
            for item in rows:
                ws.append(section.row(item))
            if not rows:
                ws.append(["", _("none")])
        ws.append()
        ws.append([_("Service records")], bold=True)
        ws.append([_("Date"), _("Content"), _("Hours"), _("Source")], bold=True)
        for rec in recs:
            ws.append([rec.date, rec.content, rec.hours, rec.source])
        ws.append([_("Quarter total"), "", total, ""], bold=True)
        ws.append([_("Year to date"), "", year_hours.get(m.pk, Decimal("0")), ""])
        ws.append()
        ws.append([_("Community (seal)"), "", _("Date"), dates.today()])
    audit.record(
        actor=actor,
        action="export",
        object_type="party.inservicemember",
        object_id=str(members[0].pk) if len(members) == 1 else "",
        object_repr=str(title)[:200],
        scope_path=members[0].scope_path if len(members) == 1 else "",
        note=json.dumps({"year": year, "quarter": quarter, "members": [m.pk for m in members]})[:2000],
    )
    return book.save()
