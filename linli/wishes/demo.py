"""Demo 微心愿 in every state, walked through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.registry.models import Resident

from . import services
from .models import ClaimerKind, Wish, WishClaim

WISHES = (
    ("一台电风扇", "夏天屋里闷热，想要一台落地电风扇。", "goods", "150"),
    ("一件羽绒服", "冬天快到了，想要一件保暖的羽绒服。", "goods", "200"),
    ("陪我去医院复查", "腿脚不便，希望有人陪同去医院复查。", "company", "0"),
    ("孩子的学习用品", "孩子上初中，需要书包和文具。", "study", "120"),
    ("修理漏水的水龙头", "厨房水龙头一直滴水。", "service", "50"),
    ("一副老花镜", "看报纸看不清，想要一副老花镜。", "goods", "60"),
    ("理一次发", "行动不便，希望有志愿者上门理发。", "service", "30"),
    ("一袋米和一桶油", "生活困难，希望得到一些粮油。", "goods", "100"),
)


def _png() -> SimpleUploadedFile:
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 60, 60)).save(out, "PNG")
    return SimpleUploadedFile("proof.png", out.getvalue(), content_type="image/png")


def seed(ctx) -> list[str]:
    secretary = ctx.users.get("secretary") or ctx.admin
    community = ctx.communities[0]
    residents = list(
        Resident.objects.filter(is_active=True, scope_path__startswith=community.path)
        .exclude(account__isnull=False)
        .order_by("id")[:24]
    )
    resident_user = ctx.users.get("resident")
    claimer_user = (
        resident_user
        if resident_user is not None
        and any(o[0] == ClaimerKind.VOLUNTEER for o in services.claim_options(resident_user))
        else None
    )  # a volunteer
    dept_user = ctx.users.get("dept")
    org_options = [o for o in services.claim_options(dept_user) if o[2] is not None] if dept_user else []
    counts: dict[str, int] = {}
    n = 0
    for i, r in enumerate(residents):
        title, need, kind, value = WISHES[i % len(WISHES)]
        wish = services.wish_submit(
            actor=secretary, resident=r, title=title, need=need, kind=kind, estimated_value=Decimal(value)
        )
        # 0 submitted, 1 rejected, 2 published, 3 claimed, 4 fulfilled, 5 confirmed, 6 withdrawn, 7 overdue claim
        target = i % 8
        if target == 1:
            services.wish_reject(actor=secretary, wish=wish, reason="不符合微心愿条件，已转民政救助")
        elif target == 6:
            services.wish_withdraw(actor=secretary, wish=wish)
        elif target >= 2:
            services.wish_approve(actor=secretary, wish=wish)
            doer = None
            if target >= 3:
                if claimer_user is not None and (i % 2 or not org_options):
                    services.claim(actor=claimer_user, wish=wish, kind=ClaimerKind.VOLUNTEER)
                    doer = claimer_user
                elif org_options:
                    services.claim(
                        actor=dept_user, wish=wish, kind=ClaimerKind.ORGANISATION, organisation=org_options[0][2]
                    )
                    doer = dept_user
            if doer is not None and target == 7:
                WishClaim.objects.filter(wish=wish).update(due_date=ctx.today - dt.timedelta(days=3))
            elif doer is not None and target in (4, 5):
                services.wish_fulfil(actor=doer, wish=wish, note="已送到并当面交接", photos=[_png()])
                if target == 5:
                    services.wish_confirm(actor=secretary, wish=wish)
        wish = Wish.objects.get(pk=wish.pk)
        counts[wish.state] = counts.get(wish.state, 0) + 1
        n += 1
    summary = ", ".join(f"{k} {v}" for k, v in sorted(counts.items()))
    return [f"wishes: {n} micro-wishes ({summary})"]
