"""xlsx export of a run's cards: one row per subject, every indicator's value and points; signed and audited."""

from __future__ import annotations

import json
from decimal import Decimal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import Action, can
from linli.core.xlsx import Book, signature

from . import selectors
from .models import ScoreRun


def export_run(*, actor, run: ScoreRun):
    if not can(actor, Action.EXPORT, run):
        raise PermissionDenied(_("You may not export these score cards."))
    who, when = signature(actor)
    book = Book(creator=who, title=str(run))
    ws = book.sheet(_("Score cards"))
    inds = (run.rules or {}).get("indicators", [])
    ws.append(
        [
            _("%(run)s · state: %(state)s · exported by %(who)s at %(when)s")
            % {"run": str(run), "state": run.get_state_display(), "who": who, "when": when}
        ]
    )
    if run.unscored:
        ws.append([_("Not rated: no indicator scores this card type.")])
    header = [_("Name"), _("Detail")]
    weighted = {i["code"] for i in inds if Decimal(i.get("weight") or "1") != 1}
    for i in inds:
        header += [f"{i['label']} · {_('value')}", f"{i['label']} · {_('points')}"]
        if i["code"] in weighted:
            header.append(f"{i['label']} · {_('points')} × {i['weight']}")
    header += [_("Points"), _("Maximum"), _("Score (%)"), _("Stars")]
    ws.append(header, bold=True)
    count = 0
    for card in selectors.cards(actor, run, action=Action.EXPORT).iterator(chunk_size=2000):
        by_code = {line["code"]: line for line in card.lines}
        row = [card.subject_label, card.subject_detail]
        for i in inds:
            line = by_code.get(i["code"], {})
            row += [
                line.get("display") or (line.get("value") if line.get("available") else _("no data")),
                float(line.get("points") or 0),
            ]
            if i["code"] in weighted:
                row.append(float(line.get("weighted") or 0))
        row += [float(card.total), float(card.max_total), float(card.percent), card.stars]
        ws.append(row)
        count += 1
    info = book.sheet(_("Export information"))
    for k, v in (
        (_("Exported by"), who),
        (_("Exported at"), when),
        (_("Rows"), count),
        (_("Rules"), json.dumps(run.rules, ensure_ascii=False)),
    ):
        info.append([k, v])
    out = book.save()
    audit.record(actor=actor, action="export", obj=run, note=f"{count} score cards")
    return out, count
