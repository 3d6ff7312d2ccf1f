"""Demo data for points: a 红色超市 per community with stock, funded ledgers for residents with logins."""

from __future__ import annotations

from decimal import Decimal

from linli.registry.models import Resident

from . import services

ITEMS = (("大米 5kg", "40"), ("食用油 1.8L", "30"), ("洗衣液", "15"), ("毛巾", "5"), ("牙膏", "6"), ("雨伞", "20"))


def seed(ctx) -> list[str]:
    items = 0
    for community in ctx.communities[: 2 if ctx.small else len(ctx.communities)]:
        for name, price in ITEMS:
            services.item_create(
                actor=ctx.admin,
                shop=community,
                name=name,
                price=Decimal(price),
                stock=ctx.rng.randint(0, 30) if name != "雨伞" else 3,
                description="凭积分兑换，到社区党群服务中心领取",
            )
            items += 1
    funded = 0
    residents = list(Resident.objects.filter(is_active=True).order_by("id")[: 20 if ctx.small else 80])
    resident_user = ctx.users.get("resident")
    linked = Resident.objects.filter(account=resident_user).first() if resident_user else None
    if linked is not None and linked not in residents:
        residents.append(linked)
    for r in residents:
        for k in range(ctx.rng.randint(1, 4)):
            services.credit(
                resident=r,
                amount=Decimal(ctx.rng.choice(["1", "2", "2", "1.5"])),
                reason="volunteer_hours",
                source_type="demo.activity",
                source_id=f"{r.pk}-{k}",
                note="志愿服务（演示）",
            )
        funded += 1
    if linked is not None:
        services.credit(
            resident=linked,
            amount=Decimal("50"),
            reason="adjustment",
            source_type="demo",
            source_id="welcome",
            note="演示账户初始积分",
        )
    return [f"points: {items} shop items, {funded} funded accounts"]
