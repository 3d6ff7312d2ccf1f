"""Small knowledge bases for tests, written through the services."""

from __future__ import annotations

import datetime as dt

from django.core.files.base import ContentFile

from linli.accounts.testing import system_user

from .. import services

GAOLING = """# 一、发放对象
具有本区户籍、年满80周岁的老年人，可以享受高龄津贴。

# 二、发放标准
80至89周岁老人每人每月100元；90至99周岁老人每人每月300元。
"""

CHARGING = """# 一、禁止行为
严禁在楼道为电瓶车充电，严禁从窗户拉线飞线充电。

# 二、集中充电设施
小区设置智能充电桩，扫码使用，收费标准在充电区公示。
"""

COMMUNITY = """# 一、开放时间
雨秀社区党群服务中心周一至周五上午8点半开放，周六上午值班。
"""

ENGLISH = """# The four bins
Recyclables go in the blue bin, hazardous waste in the red bin, food waste in the green bin.
"""


def add(tree, body: str, *, place=None, name="doc.md", title="", issued_on=dt.date(2026, 1, 10), **meta):
    return services.document_add(
        actor=tree.users["district_admin"],
        place=place or tree.district,
        upload=ContentFile(body.encode(), name=name),
        title=title,
        issuer="雨山区民政局",
        issued_on=issued_on,
        **meta,
    )


def reindex():
    """Run the waiting build here (a test's transaction never commits, so the task queued on commit does not
    run by itself; ``test_index_task_runs_after_commit`` proves it does)."""
    from ..models import IndexBuild, IndexState

    for pk in IndexBuild.objects.filter(state=IndexState.PENDING).values_list("pk", flat=True):
        services.index_run(pk)


def base(tree):
    """Three district texts, one of 雨秀社区 (comm_a1), one in English; the index built (immediate tasks)."""
    add(tree, GAOLING, name="gaoling.md", title="高龄津贴发放办法")
    add(tree, CHARGING, name="charging.md", title="电动自行车安全充电管理规定")
    add(tree, COMMUNITY, place=tree.comm_a1, name="yx.md", title="雨秀社区便民服务公告")
    add(tree, ENGLISH, name="waste.md", title="Waste sorting guide")
    reindex()


__all__ = ["add", "base", "reindex", "system_user"]
