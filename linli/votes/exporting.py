"""xlsx of a decision: the tally (four quantities) and the frozen electorate (unit numbers, areas, whether and how
each unit voted — never a name). The exporter's name and the time are written into the file."""

from __future__ import annotations

from django.utils.translation import gettext as _

from linli.core.xlsx import Book, signature

from .models import Ballot, Decision, ElectorateUnit


def quantity_label(name: str) -> str:
    return {
        "participation_area": _("Participation by area"),
        "participation_heads": _("Participation by heads"),
        "approval_area": _("Approval by area"),
        "approval_heads": _("Approval by heads"),
    }.get(name, name)


def decision_book(actor, decision: Decision, result: dict | None) -> bytes:
    who, when = signature(actor)
    book = Book(creator=who, title=decision.title)
    sheet = book.sheet(_("Tally"), widths=[28, 18, 18, 10, 10])
    sheet.append([_("Exported by %(who)s at %(when)s") % {"who": who, "when": when}])
    sheet.append([decision.compound.name, decision.title, decision.get_matter_type_display()])
    sheet.append([_("Property units"), decision.total_units])
    sheet.append([_("Total area (m²)"), str(decision.total_area)])
    sheet.append([_("Owners (heads)"), decision.total_heads])
    if result:
        sheet.append([_("Quantity"), _("Numerator"), _("Denominator"), _("Threshold"), _("Result")], bold=True)
        for test in result["tests"]:
            sheet.append(
                [
                    quantity_label(test["name"]),
                    test["numerator"],
                    test["denominator"],
                    (">" if test["strict"] else "≥") + " " + test["threshold"],
                    _("passed") if test["passed"] else _("failed"),
                ]
            )
        sheet.append([_("Result"), _("passed") if result["passed"] else _("did not pass")], bold=True)
    units = book.sheet(_("Electorate"), widths=[24, 12, 14, 10, 10, 10])
    units.append(
        [_("Property unit"), _("Area (m²)"), _("Area source"), _("Holder"), _("Voted"), _("Channel")], bold=True
    )
    ballots = dict(Ballot.objects.filter(decision=decision).values_list("unit_id", "channel"))
    for unit in ElectorateUnit.objects.filter(decision=decision).order_by("label", "pk").iterator(chunk_size=2000):
        channel = ballots.get(unit.pk, "")
        units.append(
            [
                unit.label,
                str(unit.area),
                unit.area_source,
                unit.holder,
                _("yes") if channel else _("no"),
                channel,
            ]
        )
    return book.to_bytes()
