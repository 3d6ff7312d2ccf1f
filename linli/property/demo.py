"""Demo 红色物业: contracts for the compounds the demo property companies manage, last quarter's evaluation with
answers from households, and this quarter's round open for the demo resident."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from linli.core import audit

from . import services
from .models import EvaluationAnswer, EvaluationScore

ITEMS = ["环境卫生", "秩序维护", "设施维修", "服务态度"]


def _quarter(day: dt.date) -> tuple[int, int]:
    return day.year, (day.month - 1) // 3 + 1


def _bounds(year: int, quarter: int) -> tuple[dt.date, dt.date]:
    start = dt.date(year, 3 * quarter - 2, 1)
    end = dt.date(year + (quarter == 4), (3 * quarter) % 12 + 1, 1) - dt.timedelta(days=1)
    return start, end


def seed(ctx) -> list[str]:
    from linli.registry.models import Household

    admin = ctx.admin
    today = ctx.today
    year, quarter = _quarter(today)
    prev = (year - 1, 4) if quarter == 1 else (year, quarter - 1)
    contracts = rounds = answers = 0
    for company in ctx.organisations.get("property", [])[:3]:
        for compound in company.managed_compounds.all()[:2]:
            services.contract_create(
                actor=admin,
                company=company,
                compound=compound,
                starts_on=dt.date(today.year - 1, 1, 1),
                ends_on=dt.date(today.year + 2, 12, 31),
                standard="2",
                hotline="0555-2345678",
                fees={"residential": Decimal("1.20"), "commercial": Decimal("2.50"), "garage": Decimal("0.60")},
            )
            contracts += 1
            old = services.round_create(
                actor=admin,
                compound=compound,
                year=prev[0],
                quarter=prev[1],
                opens_on=_bounds(*prev)[0],
                closes_on=_bounds(*prev)[1],
                items=ITEMS,
            )
            start, end = _bounds(year, quarter)
            services.round_create(
                actor=admin, compound=compound, year=year, quarter=quarter, opens_on=start, closes_on=end, items=ITEMS
            )
            rounds += 2
            items = list(old.items.all())
            households = Household.objects.filter(is_active=True, scope_path__startswith=compound.path)
            for household in households.order_by("pk")[: 8 if ctx.small else 40]:
                answer = EvaluationAnswer.objects.create(round=old, household=household)
                EvaluationScore.objects.bulk_create(
                    [EvaluationScore(answer=answer, item=i, stars=ctx.rng.choice((3, 4, 4, 5, 5))) for i in items]
                )
                answers += 1
    audit.record(actor=admin, action="create", obj=None, note=f"demo property evaluation answers: {answers}")
    return [f"property: {contracts} contracts, {rounds} evaluation rounds, {answers} household answers"]
