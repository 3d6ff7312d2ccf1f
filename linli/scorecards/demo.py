"""Demo score cards: last year's cards computed and final; this year's computed and under public notice."""

from __future__ import annotations

import datetime as dt

from linli.core import dates
from linli.core.workdays import add_workdays

from . import services
from .models import CardType, ScoreRun


def seed(ctx) -> list[str]:
    actor, district, today = ctx.admin, ctx.district, ctx.today
    lines = []
    last, this = today.year - 1, today.year
    for card_type in CardType.values:
        run = services.run_compute(actor=actor, place=district, year=last, card_type=card_type)
        # Last year's notice ran in January; it is final now.
        start = dt.date(this, 1, 5)
        run = services.run_publicise(actor=actor, run=run, start=start)
        if add_workdays(start, 5) < dates.today():
            run = services.run_finalise(actor=actor, run=run)
        current = services.run_compute(actor=actor, place=district, year=this, card_type=card_type)
        current = services.run_publicise(actor=actor, run=current)
        if card_type == CardType.ORG:
            lines.append(_objection(ctx, current))
        lines.append(
            f"{card_type}: {run.subject_count} cards {last} ({run.state}), "
            f"{current.subject_count} cards {this} ({current.state} until {current.notice_ends})"
        )
    return [f"scorecards: {'; '.join(lines)}", f"scorecards: {ScoreRun.objects.count()} runs"]


def _objection(ctx, run) -> str:
    """The community secretary objects to the card of a co-building organisation of their community during the
    notice: an answer waits for the district (the workbench's score-card to-do)."""
    from linli.core.permissions import restrict

    secretary = ctx.users.get("secretary")
    card = secretary and restrict(run.cards.order_by("percent", "pk"), secretary).first()
    if card is None:
        return "no objection (no card in the secretary's scope)"
    services.objection_raise(
        actor=secretary,
        run=run,
        card=card,
        text="该单位今年认领并完成了社区两个微心愿，卡上未计入，请核实后更正得分。",
    )
    return f"1 objection about {card.subject_label}"
