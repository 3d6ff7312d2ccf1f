"""Helpers for the trust tests: an account over the test tree's compound, written through the services."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile

from linli.core import dates

from .. import services


def png(name="receipt.png"):
    from PIL import Image

    buf = io.BytesIO()
    Image.new("RGB", (20, 10), (200, 30, 30)).save(buf, "PNG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/png")


def months_ago(n: int, today=None) -> dt.date:
    day = (today or dates.today()).replace(day=1)
    for _ in range(n):
        day = (day - dt.timedelta(days=1)).replace(day=1)
    return day


def account(tree, *, opened_on=None, rate="1.35"):
    return services.account_open(
        actor=tree.users["secretary_a1"],
        compound=tree.compound_a1,
        scheme="trust",
        trustee=tree.property_co,
        monthly_rate=Decimal(rate),
        opened_on=opened_on or months_ago(3),
        bank_account="6222 0000 1111",
    )


def bill(tree, acc, period=None):
    return services.bill_unit(
        actor=tree.users["property_staff"], account=acc, house=tree.house_a1, period=period or months_ago(2)
    )


def spend(tree, acc, *, day=None, amount="300.00", category="5001"):
    return services.spend(
        actor=tree.users["property_staff"],
        account=acc,
        date=day or months_ago(2) + dt.timedelta(days=5),
        category=category,
        amount=amount,
        payee="保洁公司",
        memo="楼道保洁",
        receipt=png(),
        approver="业委会主任 赵某",
    )
