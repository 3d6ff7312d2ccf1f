"""Demo 微学习: three courses (article with a quiz, video link, PDF), assigned to the first community's party
branches and to the demo accounts, with some progress and quiz attempts walked through the services."""

from __future__ import annotations

from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile

from . import services

ARTICLE = """## 学习要点

1. **坚持党建引领**：把党的组织优势转化为基层治理效能。
2. **践行群众路线**：问需于民、问计于民，办好群众身边的小事。
3. **落实"三会一课"**：支部党员大会每季度召开一次，党小组会每月召开一次。

> 学习后请完成小测验，成绩 60 分及格。
"""

QUIZ = (
    ("支部党员大会一般多久召开一次？", "single", ["每月一次", "每季度一次", "每年一次"], [1]),
    ('下列哪些属于"三会一课"？（多选）', "multiple", ["支部党员大会", "支部委员会", "党小组会", "业主大会"], [0, 1, 2]),
    ("党员大会决议须经应到会有表决权党员的多少同意？", "single", ["超过半数", "三分之一", "全体"], [0]),
)


def _pdf() -> SimpleUploadedFile:
    data = (
        b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[3 0 R]/Count 1>>endobj\n"
        b"3 0 obj<</Type/Page/Parent 2 0 R/MediaBox[0 0 200 200]>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
    )
    return SimpleUploadedFile("guide.pdf", data, content_type="application/pdf")


def _logins(ctx, residents, prefix: str) -> list:
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
    from linli.party.models import BRANCH_KINDS, PartyMember, PartyOrg

    author = ctx.users.get("district") or ctx.admin
    place = ctx.district
    c1 = services.course_create(
        actor=author,
        place=place,
        title="学习《中国共产党支部工作条例（试行）》",
        summary="支部工作的基本遵循，约10分钟读完。",
        kind="article",
        body=ARTICLE,
        pass_score=60,
        max_attempts=3,
        is_published=True,
    )
    for text, kind, options, correct in QUIZ:
        services.question_add(actor=author, course=c1, text=text, kind=kind, options=options, correct=correct)
    c2 = services.course_create(
        actor=author,
        place=place,
        title="微党课：红色物业与基层治理",
        summary="视频微党课。",
        kind="video",
        video_url="https://www.12371.cn/special/wdk/",
        is_published=True,
    )
    c3 = services.course_create(
        actor=author, place=place, title="社区议事协商工作指引（PDF）", kind="pdf", pdf_file=_pdf(), is_published=True
    )

    community = ctx.communities[0]
    branches = list(
        PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True, scope_path__startswith=community.path).order_by(
            "id"
        )[:3]
    )
    for org in branches:
        members = PartyMember.objects.filter(org=org, is_active=True).select_related(
            "resident__home", "resident__account"
        )[:5]
        _logins(ctx, [m.resident for m in members], f"learner{org.pk}_")
    demo = [u for key in ("resident", "secretary", "gridworker", "buildinghead") if (u := ctx.users.get(key))]
    n = 0
    for course in (c1, c2, c3):
        n += len(
            services.assign_course(
                actor=author, course=course, users=demo, orgs=branches, due_on=ctx.today.replace(month=12, day=31)
            )
        )

    # Progress: some finished, some part-way, one failed the quiz once then passed.
    rng = ctx.rng
    done = 0
    for a in list(c1.assignments.select_related("user")):
        roll = rng.random()
        if roll < 0.2:
            continue
        services.course_open(actor=a.user, course=c1)
        if roll < 0.45:
            services.progress(actor=a.user, course=c1, percent=50)
            continue
        services.progress(actor=a.user, course=c1, percent=100)
        if roll < 0.6:
            services.quiz_submit(actor=a.user, course=c1, answers={})  # a first try with nothing answered
        right = {str(q.pk): q.correct for q in c1.questions.all()}
        if roll > 0.9:
            right.popitem()
        services.quiz_submit(actor=a.user, course=c1, answers=right)
        done += 1
    for a in list(c2.assignments.select_related("user"))[::2]:
        services.progress(actor=a.user, course=c2, percent=100)
    lines = [
        f"learning: 3 courses, {n} assignments to {len(branches)} branches and demo accounts, "
        f"{done} quiz takers on the article"
    ]
    return lines
