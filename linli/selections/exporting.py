"""A selection as xlsx: the nominations (nominee, building, channel, reason, review) and the result (rank, votes,
winner). Names and buildings only — never addresses, ID or phone numbers. The exporter's name and the time head each
sheet; every export writes one audit row."""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from linli.core import audit
from linli.core.permissions import Action, require
from linli.core.xlsx import Book, signature

from . import selectors
from .models import NominationState, Selection


def export_selection(*, actor, selection: Selection):
    """(file, rows): sheet one the nominations, sheet two the result (once announced: the counts)."""
    require(actor, Action.EXPORT, selection)
    who, when = signature(actor)
    book = Book(creator=who, title=selection.title)
    banner = _("%(title)s · exported by %(who)s at %(when)s · keep it safe, do not pass it on") % {
        "title": selection.title,
        "who": who,
        "when": when,
    }
    rows = list(selectors.nominations(actor, selection))
    ws = book.sheet(_("Nominations"), widths=[8, 20, 24, 12, 40, 14, 30])
    ws.append([banner])
    ws.append(
        [_("No."), _("Nominee"), _("Building"), _("Nominated"), _("Reason"), _("State"), _("Review note")], bold=True
    )
    for n in rows:
        ws.append(
            [
                n.pk,
                n.name,
                n.building.name if n.building_id else "",
                n.get_channel_display(),
                n.reason,
                n.get_state_display(),
                n.review_reason,
            ]
        )
    result = book.sheet(_("Result"), widths=[8, 20, 24, 10, 10])
    result.append([banner])
    result.append([_("Rank"), _("Nominee"), _("Building"), _("Votes"), _("Winner")], bold=True)
    accepted = sorted((n for n in rows if n.state == NominationState.ACCEPTED), key=lambda n: (n.rank or 10_000, n.pk))
    announced = selection.state in selectors.ANNOUNCED
    for n in accepted:
        result.append(
            [
                n.rank if announced else None,
                n.name,
                n.building.name if n.building_id else "",
                n.votes if announced else None,
                pgettext("selections", "yes") if n.is_winner else "",
            ]
        )
    audit.record(actor=actor, action="export", obj=selection, note=f"{len(rows)} nominations")
    return book.save(), len(rows)
