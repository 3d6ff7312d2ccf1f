"""Test helpers: a running campaign over street A with one theme of three checks."""

from __future__ import annotations

import datetime as dt
import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from linli.campaigns import services
from linli.campaigns.models import Campaign, Targeting
from linli.core import dates


def campaign(tree, *, start=True, targeting=Targeting.ALL, actor="street_a", owner=None):
    user = tree.users[actor]
    today = dates.today()
    c = services.campaign_create(
        actor=user,
        owner=owner or tree.street_a,
        title="飞线充电专项整治",
        starts_on=today,
        ends_on=today + dt.timedelta(days=60),
        targeting=targeting,
    )
    services.theme_add(
        actor=user,
        campaign=c,
        name="飞线充电",
        category=None,
        items=["楼道无电动车停放", "无私拉电线充电", "充电桩可用"],
    )
    if targeting == Targeting.KEY:
        services.key_target_set(actor=user, campaign=c, compound=tree.compound_a1, leader=tree.users["secretary_a1"])
    if start:
        services.campaign_start(actor=user, campaign=c)
    return Campaign.objects.get(pk=c.pk)


def theme(c):
    return c.themes.get()


def results(c, *, fail=1):
    """Every check passed but the first ``fail``."""
    items = list(theme(c).items.all())
    return {i.pk: n >= fail for n, i in enumerate(items)}, items


def photo(name="site.jpg"):
    buf = io.BytesIO()
    Image.new("RGB", (8, 8), "red").save(buf, "JPEG")
    return SimpleUploadedFile(name, buf.getvalue(), content_type="image/jpeg")


def walk_to_archived(tree, case):
    from linli.workorders import services as wo

    u = tree.users
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.dept)
    wo.case_sign(actor=u["dept_staff"], case=case)
    wo.case_start(actor=u["dept_staff"], case=case)
    wo.case_complete(actor=u["dept_staff"], case=case, reply="已拆除飞线")
    wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict="satisfied")
    wo.case_archive(actor=u["secretary_a1"], case=case)
