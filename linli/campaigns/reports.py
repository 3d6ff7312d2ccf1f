"""The closing report of a campaign as an xlsx workbook (cells neutralised by ``linli.core.xlsx``): the totals, one
row per street and per compound, and every finding with its work order."""

from __future__ import annotations

from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core.xlsx import Book, signature

from . import selectors

HEAD = {"bold": True}


def pct(value) -> str:
    return "" if value is None else f"{value}%"


def closing_report(user, campaign):
    compounds, streets, total = selectors.progress(user, campaign)
    who, when = signature(user)
    book = Book(creator=who, title=campaign.title)
    summary = book.sheet(_("Summary"), widths=[24, 40])
    for label, value in (
        (_("Campaign"), campaign.title),
        (_("Owned by"), campaign.owner.name),
        (_("State"), campaign.get_state_display()),
        (_("Period"), f"{campaign.starts_on:%Y-%m-%d} – {campaign.ends_on:%Y-%m-%d}"),
        (_("Target compounds"), total.compounds),
        (_("Compounds inspected"), total.inspected),
        (_("Inspections"), total.inspections),
        (_("Findings"), total.findings),
        (_("Work orders open"), total.cases_open),
        (_("Rectified"), total.rectified),
        (_("Rectified (%)"), pct(total.rectified_pct)),
        (_("Exported by"), who),
        (_("Exported at"), when),
    ):
        summary.append([label, value])
    header = [
        _("Place"),
        _("Compounds"),
        _("Inspected"),
        _("Inspections"),
        _("Findings"),
        _("Without a work order"),
        _("Work orders open"),
        _("Rectified"),
        _("Rectified (%)"),
    ]
    sheet = book.sheet(_("Streets"), widths=[24, 10, 10, 10, 10, 14, 14, 10, 12])
    sheet.append(header, **HEAD)
    for r in streets:
        sheet.append(
            [
                r.place.name,
                r.compounds,
                r.inspected,
                r.inspections,
                r.findings,
                r.no_case,
                r.cases_open,
                r.rectified,
                pct(r.rectified_pct),
            ]
        )
    sheet = book.sheet(_("Compounds"), widths=[24, 18, 10, 10, 14, 14, 10, 12, 18])
    sheet.append(
        [
            _("Compound"),
            _("Leader"),
            _("Inspections"),
            _("Findings"),
            _("Without a work order"),
            _("Work orders open"),
            _("Rectified"),
            _("Rectified (%)"),
            _("Last inspected"),
        ],
        **HEAD,
    )
    for r in compounds:
        leader = r.target.leader
        last = timezone.localtime(r.last_inspected).strftime("%Y-%m-%d %H:%M") if r.last_inspected else ""
        sheet.append(
            [
                r.place.name,
                (leader.display_name or leader.username) if leader else "",
                r.inspections,
                r.findings,
                r.no_case,
                r.cases_open,
                r.rectified,
                pct(r.rectified_pct),
                last,
            ]
        )
    sheet = book.sheet(_("Findings"), widths=[18, 14, 30, 40, 18, 14, 12])
    sheet.append(
        [_("Compound"), _("Theme"), _("Check"), _("What was found"), _("Work order"), _("Status"), _("Rectified on")],
        **HEAD,
    )
    for f in selectors.findings(user, campaign).order_by("scope_path", "pk"):
        sheet.append(
            [
                f.target.compound.name,
                f.item.theme.name,
                f.item.text,
                f.note,
                f.case.number if f.case else "",
                f.get_status_display(),
                f.rectified_on.isoformat() if f.rectified_on else "",
            ]
        )
    return book.save()
