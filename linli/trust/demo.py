"""Demo trust accounts: the compound managed by the first property company gets a 信托制 account opened a year ago,
with its budget, an opening balance, a bill for every unit with an area each month, most of them paid, spending
with receipts, the monthly remuneration, one reversing correction (a cleaning invoice booked twice), and every
finished month closed (statements published). A second compound keeps a 酬金制 self-managed account for two months.
Written through the services. ``--small``: the first 12 units, six months."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.areas.models import Level, Place
from linli.core.paths import subtree_q

from . import services
from .models import FeeBill

SPENDING = (
    ("5001", "保洁服务费", "洁美保洁公司", 3800),
    ("5002", "秩序维护服务", "安盾保安公司", 5200),
    ("5005", "公共照明电费", "供电公司", 900),
)


def _png(name: str) -> SimpleUploadedFile:
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (120, 80), (245, 245, 235)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def _months(today: dt.date, n: int) -> list[dt.date]:
    first = today.replace(day=1)
    out = [first]
    for _ in range(n - 1):
        first = (first - dt.timedelta(days=1)).replace(day=1)
        out.append(first)
    return out[::-1]


def _units(compound, limit):
    return list(
        Place.objects.filter(subtree_q("path", compound.path), level=Level.HOUSE, area__gt=0).order_by("path")[:limit]
    )


def seed(ctx) -> list[str]:
    actor, today, rng = ctx.admin, ctx.today, ctx.rng
    company = next((o for o in ctx.organisations.get("property", []) if o.managed_compounds.exists()), None)
    if company is None:
        return []
    compound = company.managed_compounds.order_by("path").first()
    n_months, limit = (6, 12) if ctx.small else (12, 80)
    months = _months(today, n_months)
    account = services.account_open(
        actor=actor,
        compound=compound,
        scheme="trust",
        trustee=company,
        monthly_rate=Decimal("1.35"),
        opened_on=months[0],
        bank_account="6222 0210 0000 8866（业委会、物业双密码共管）",
    )
    services.budget_record(
        actor=actor,
        account=account,
        year=months[0].year,
        approved_on=months[0],
        approving_body="owners_meeting",
        resolution_ref=f"业主大会决议〔{months[0].year}〕1号",
        document=_png("budget-resolution.png"),
        lines={
            "4001": Decimal("180000"),
            "4002": Decimal("12000"),
            "5001": Decimal("46000"),
            "5002": Decimal("62000"),
            "5005": Decimal("11000"),
            "5101": Decimal("60000"),
        },
    )
    services.journal_post(
        actor=actor,
        account=account,
        date=months[0],
        kind="opening",
        memo="承接上年结余",
        lines=[("1001", Decimal("20000.00"), Decimal("0")), ("4003", Decimal("0"), Decimal("20000.00"))],
    )
    units = _units(compound, limit)
    duplicate = None
    for k, month in enumerate(months):
        if not units:
            break
        services.bill_run(actor=actor, account=account, period=month, houses=units, day=month)
        last_day = min(today, month.replace(day=28))
        for bill in FeeBill.objects.filter(account=account, period=month).order_by("scope_path"):
            if rng.random() < 0.9:
                day = min(last_day, month + dt.timedelta(days=rng.randint(1, 20)))
                services.collect(actor=actor, bill=bill, amount=bill.amount, date=day)
        for code, memo, payee, base in SPENDING:
            day = min(last_day, month + dt.timedelta(days=24))
            amount = Decimal(base + rng.randint(-200, 200))
            entry = services.spend(
                actor=actor,
                account=account,
                date=day,
                category=code,
                amount=amount,
                payee=payee,
                memo=memo,
                receipt=_png(f"receipt-{month:%Y%m}-{code}.png"),
                approver="业委会主任 赵建国",
            )
            if k == 1 and code == "5001":
                duplicate = services.spend(
                    actor=actor,
                    account=account,
                    date=day,
                    category=code,
                    amount=amount,
                    payee=payee,
                    memo=memo,
                    receipt=_png(f"receipt-{month:%Y%m}-{code}-dup.png"),
                    approver="业委会主任 赵建国",
                )
                services.reverse(actor=actor, entry=duplicate, date=day, reason="同一张保洁发票重复入账")
            del entry
        services.pay_remuneration(
            actor=actor,
            account=account,
            date=min(last_day, month + dt.timedelta(days=25)),
            amount=Decimal("5000.00"),
            approver="业主委员会",
        )
        if month < today.replace(day=1):
            services.close_month(actor=actor, account=account, month=month)
    lines = [f"trust: {compound.name} 信托制 {account.head_seq} entries, {account.statements.count()} statements"]
    own = next(
        (c for row in ctx.compounds for c in row if c.pk != compound.pk and not c.property_companies.exists()), None
    )
    if own is not None and _units(own, 1):
        mine = services.account_open(
            actor=actor, compound=own, scheme="self", monthly_rate=Decimal("0.30"), opened_on=months[-2]
        )
        for month in months[-2:]:
            services.bill_run(actor=actor, account=mine, period=month, houses=_units(own, 10), day=month)
        lines.append(f"trust: {own.name} 酬金制自管 {mine.head_seq} entries")
    return lines
