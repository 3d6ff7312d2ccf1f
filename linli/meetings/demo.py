"""Demo 微会议: a residents' council meeting held and closed with its votes, one in progress the demo resident
can join, and a party-branch meeting scheduled for next week. Walked through the services."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.utils import timezone

from linli.registry.models import Resident

from . import services


def _logins(ctx, residents, prefix: str) -> list:
    """Login accounts for demo residents who have none (council members and party members take part online)."""
    from linli.accounts import services as acc

    users = []
    for i, r in enumerate(residents):
        if r.account_id:
            users.append(r.account)
            continue
        if r.home_id is None:
            continue
        user = acc.user_create(
            actor=ctx.admin,
            username=f"{prefix}{i + 1:02d}",
            password=settings.LINLI_DEMO_PASSWORD,
            home=r.home,
            display_name=r.name,
        )
        acc.binding_add(actor=ctx.admin, user=user, role="resident", place=r.home)
        r.account = user
        r.save(update_fields=["account"])
        users.append(user)
    return users


def seed(ctx) -> list[str]:
    host = ctx.users.get("secretary") or ctx.admin
    community = ctx.communities[0]
    now = timezone.now()
    adults = (
        Resident.objects.filter(
            is_active=True,
            scope_path__startswith=community.path,
            home__isnull=False,
            birth_date__lte=ctx.today - dt.timedelta(days=18 * 366),
        )
        .select_related("account", "home")
        .order_by("id")
    )
    council = _logins(ctx, list(adults[:9]), "council")
    demo_resident = ctx.users.get("resident")
    lines = []

    # 1. A council meeting held today and closed: 9 members, 7 checked in, two items voted on.
    m = services.meeting_create(
        actor=host,
        place=community,
        title="居民议事会：小区加装电梯与充电桩",
        host_kind="residents_council",
        host_name=f"{community.name}居民议事会",
        description="议题经居民提议、网格收集，提交议事会协商表决。",
        starts_at=now - dt.timedelta(hours=2),
        ends_at=now + dt.timedelta(hours=6),
        location="线上 + 社区议事厅",
        majority_base="invitees",
    )
    i1 = services.item_add(
        actor=host, meeting=m, title="在3栋试点加装电梯，费用按楼层分摊", description="方案见附件；一楼住户不分摊。"
    )
    i2 = services.item_add(actor=host, meeting=m, title="在小区东门停车场增设20个电动车充电桩")
    services.item_add(actor=host, meeting=m, title="通报上季度议事事项办理情况", is_vote=False)
    services.invite(actor=host, meeting=m, users=council)
    services.meeting_schedule(actor=host, meeting=m)
    services.meeting_open(actor=host, meeting=m)
    present = council[:7]
    for u in present:
        services.check_in(actor=u, meeting=m)
    plan1 = ["yes", "yes", "yes", "yes", "no", "abstain", "no"]  # 4 of 9: fails (needs 5)
    plan2 = ["yes", "yes", "yes", "yes", "yes", "yes", "no"]  # 6 of 9: passes
    for u, c1, c2 in zip(present, plan1, plan2, strict=False):
        services.vote(actor=u, item=i1, choice=c1)
        services.vote(actor=u, item=i2, choice=c2)
    services.meeting_close(actor=host, meeting=m)
    services.minutes_save(
        actor=host,
        meeting=m,
        minutes="应到9人，实到7人，符合议事规则。\n议题一未获通过，"
        "请社区会同业委会进一步征求低层住户意见；议题二通过，由物业于下月实施。",
        decisions={i1.pk: "未通过，继续征求意见。", i2.pk: "通过，物业下月实施。"},
    )
    lines.append(f"meetings: council meeting closed ({len(present)}/{len(council)} present, 2 votes)")

    # 2. A council meeting in progress that the demo resident may join.
    invited = list(council[:5]) + ([demo_resident] if demo_resident else [])
    m2 = services.meeting_create(
        actor=host,
        place=community,
        title="居民议事会：楼道堆物清理公约",
        host_kind="residents_council",
        host_name=f"{community.name}居民议事会",
        starts_at=now - dt.timedelta(minutes=30),
        ends_at=now + dt.timedelta(days=2),
        majority_base="attendees",
        secret_ballot=True,
    )
    item = services.item_add(actor=host, meeting=m2, title="通过《楼道堆物清理公约》")
    services.invite(actor=host, meeting=m2, users=invited)
    services.meeting_schedule(actor=host, meeting=m2)
    services.meeting_open(actor=host, meeting=m2)
    for u in council[:4]:
        services.check_in(actor=u, meeting=m2)
    services.vote(actor=council[0], item=item, choice="yes")
    services.vote(actor=council[1], item=item, choice="yes")
    lines.append("meetings: council meeting in progress (secret ballot) open to the demo resident")

    # 3. A party-branch meeting next week, if the party demo made a branch here.
    from django.apps import apps

    if not apps.is_installed("linli.party"):
        return lines
    from linli.party.models import BRANCH_KINDS, PartyMember, PartyOrg

    org = (
        PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True, scope_path__startswith=community.path)
        .order_by("id")
        .first()
    )
    if org is not None:
        start = now + dt.timedelta(days=7)
        mb = services.meeting_create(
            actor=host,
            place=None,
            host_kind="party_branch",
            party_org=org,
            title=f"{org.name}支部党员大会（线上）",
            starts_at=start,
            ends_at=start + dt.timedelta(hours=2),
            majority_base="invitees",
            description="学习传达上级精神；讨论发展对象；表决年度工作计划。",
        )
        services.item_add(actor=host, meeting=mb, title="学习传达上级会议精神", is_vote=False)
        services.item_add(actor=host, meeting=mb, title="表决支部年度工作计划")
        members = list(
            PartyMember.objects.filter(org=org, is_active=True).select_related("resident__home", "resident__account")[
                :8
            ]
        )
        users = _logins(ctx, [mm.resident for mm in members], f"pm{org.pk}_")
        services.invite(actor=host, meeting=mb, users=users)
        if users:
            services.meeting_schedule(actor=host, meeting=mb)
        lines.append(f"meetings: branch meeting of {org.name} next week ({len(users)} invitees)")
    return lines
