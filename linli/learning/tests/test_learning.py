from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from linli.core.models import AuditLog
from linli.core.permissions import restrict
from linli.core.testing import FORMULA_NAME, assert_text_not_formula, count_queries
from linli.learning import selectors, services
from linli.learning.models import Assignment, Course, Question
from linli.learning.text import render
from linli.meetings.tests.factories import resident_user

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
MP4 = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64


def course(tree, *, actor=None, quiz=True, **kw):
    actor = actor or tree.users["secretary_a1"]
    kw.setdefault("title", "学习条例")
    kw.setdefault("kind", "article")
    kw.setdefault("body", "## 要点\n\n**坚持**党建引领")
    kw.setdefault("is_published", True)
    c = services.course_create(actor=actor, place=kw.pop("place", tree.comm_a1), **kw)
    if quiz:
        services.question_add(
            actor=actor,
            course=c,
            text="一季度几次党员大会？",
            kind="single",
            options=["一次", "两次", "三次"],
            correct=[0],
        )
        services.question_add(
            actor=actor,
            course=c,
            text="三会一课包括？",
            kind="multiple",
            options=["党员大会", "支委会", "业主大会"],
            correct=[0, 1],
        )
    return c


def branch_with_learners(tree, n=3):
    from linli.party import services as party
    from linli.party.tests.factories import branch

    org = branch(tree)
    users = []
    for _ in range(n):
        u = resident_user(tree.house_a1)
        party.member_add(
            actor=tree.users["secretary_a1"],
            org=org,
            resident=u.resident,
            joined_on=dt.date(2012, 7, 1),
            status="full",
            full_on=dt.date(2013, 7, 1),
        )
        users.append(u)
    return org, users


# -- content safety and uploads --------------------------------------------------------------------------


def test_article_rendering_is_safe():
    html = render("<script>alert(1)</script> [x](javascript:alert(1)) [ok](https://example.org) <img src=x onerror=y>")
    assert "<script" not in html and "<img" not in html and 'href="javascript' not in html
    assert '<a href="https://example.org">ok</a>' in html


def test_uploads_checked_by_content(tree):
    sec = tree.users["secretary_a1"]
    fake = SimpleUploadedFile("x.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf")
    n = Course.objects.count()
    with pytest.raises(ValidationError) as err:
        services.course_create(actor=sec, place=tree.comm_a1, title="x", kind="pdf", pdf_file=fake)
    assert "pdf_file" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.course_create(
            actor=sec,
            place=tree.comm_a1,
            title="x",
            kind="video",
            video_file=SimpleUploadedFile("v.mp4", PDF, content_type="video/mp4"),
        )
    assert Course.objects.count() == n
    c = services.course_create(
        actor=sec,
        place=tree.comm_a1,
        title="x",
        kind="pdf",
        pdf_file=SimpleUploadedFile("evil.exe", PDF, content_type="application/x-msdownload"),
    )
    assert c.pdf_file.name.endswith(".pdf")
    v = services.course_create(
        actor=sec, place=tree.comm_a1, title="v", kind="video", video_file=SimpleUploadedFile("v.bin", MP4)
    )
    assert v.video_file.name.endswith(".mp4")


@override_settings(LINLI_LEARNING_MAX_PDF_BYTES=50)
def test_upload_size_limited(tree):
    with pytest.raises(ValidationError) as err:
        services.course_create(
            actor=tree.users["secretary_a1"],
            place=tree.comm_a1,
            title="x",
            kind="pdf",
            pdf_file=SimpleUploadedFile("a.pdf", PDF + b"0" * 100),
        )
    assert "MB" in err.value.message_dict["pdf_file"][0]


def test_course_validation(tree):
    sec = tree.users["secretary_a1"]
    for bad in (
        {"kind": "article", "body": ""},
        {"kind": "video"},
        {"kind": "video", "video_url": "http://x.cn/v"},
        {"kind": "pdf"},
        {"pass_score": 101},
        {"colour": "red"},
    ):
        with pytest.raises(ValidationError):
            services.course_create(actor=sec, place=tree.comm_a1, title="x", **bad)
    assert not Course.objects.exists()
    c = course(tree, quiz=False)
    for bad in (
        {"options": ["only one"], "correct": [0]},
        {"options": ["a", "b"], "correct": [2]},
        {"options": ["a", "b"], "correct": [0, 1], "kind": "single"},
        {"options": ["a", "b"], "correct": []},
    ):
        with pytest.raises(ValidationError):
            services.question_add(actor=sec, course=c, text="q", **{"kind": "multiple", **bad})
    assert not Question.objects.exists()


def test_out_of_scope_author_refused(tree):
    with pytest.raises(PermissionDenied):
        course(tree, place=tree.comm_b1)
    for name in ("resident_a1", "grid_a", "dept_staff"):
        with pytest.raises(PermissionDenied):
            course(tree, actor=tree.users[name])


# -- assignment, progress, quiz ------------------------------------------------------------------------------


def test_assign_to_branch_and_users(tree):
    org, users = branch_with_learners(tree, 2)
    extra = resident_user(tree.house_a2)
    c = course(tree)
    rows = services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[extra, users[0]], orgs=[org])
    assert {a.user_id for a in rows} == {extra.pk, *[u.pk for u in users]}
    assert services.assign_course(actor=tree.users["secretary_a1"], course=c, orgs=[org]) == []  # no duplicates
    draft = course(tree, is_published=False, quiz=False)
    with pytest.raises(ValidationError):
        services.assign_course(actor=tree.users["secretary_a1"], course=draft, users=[extra])


def _member_without_login(tree, org, name):
    from linli.party import services as party
    from linli.registry import services as registry

    r = registry.resident_create(actor=tree.users["secretary_a1"], name=name, home=tree.house_a1)
    return party.member_add(
        actor=tree.users["secretary_a1"],
        org=org,
        resident=r,
        joined_on=dt.date(2012, 7, 1),
        status="full",
        full_on=dt.date(2013, 7, 1),
    )


def test_assigning_a_branch_reports_members_without_a_login(tree):
    org, users = branch_with_learners(tree, 2)
    offline = _member_without_login(tree, org, "赵大爷")
    c = course(tree)
    rows = services.assign_course(actor=tree.users["secretary_a1"], course=c, orgs=[org])
    assert {a.user_id for a in rows} == {u.pk for u in users}
    assert rows.skipped == [{"member": offline.pk, "name": "赵大爷", "org": org.name}]
    row = AuditLog.objects.filter(action="assign", object_id=str(c.pk)).latest("pk")
    assert row.after["skipped_members"] == [offline.pk]
    # Assigning again: nobody new, the member without a login still reported.
    again = services.assign_course(actor=tree.users["secretary_a1"], course=c, orgs=[org])
    assert again == [] and [s["member"] for s in again.skipped] == [offline.pk]


def test_assign_page_names_the_skipped_members(client, tree):
    org, _users = branch_with_learners(tree, 1)
    _member_without_login(tree, org, "赵大爷")
    c = course(tree)
    client.force_login(tree.users["secretary_a1"])
    resp = client.post(reverse("learning:manage", args=[c.pk]), {"do": "assign", "branches": [org.pk]}, follow=True)
    texts = [str(m) for m in resp.context["messages"]]
    assert any("赵大爷" in t for t in texts), texts
    assert "赵大爷" in resp.content.decode()


def test_assign_page_takes_picked_people_and_refuses_one_out_of_scope(client, tree):
    """People are picked by searching (a multiple user picker), never typed as usernames."""
    here, far = resident_user(tree.house_a1, username="learner_here"), resident_user(tree.house_b1, username="far1")
    c = course(tree)
    client.force_login(tree.users["secretary_a1"])
    url = reverse("learning:manage", args=[c.pk])
    page = client.get(url).content.decode()
    assert "data-picker-multiple" in page and reverse("accounts:pick_users") in page
    resp = client.post(
        url, {"do": "assign", "usernames": [here.username, far.username]}, HTTP_ACCEPT_LANGUAGE="zh-hans"
    )
    assert resp.status_code == 200 and "不是您辖区内的有效账号：far1" in resp.content.decode()
    assert not Assignment.objects.exists()
    resp = client.post(url, {"do": "assign", "usernames": [here.username]})
    assert resp.status_code == 302 and Assignment.objects.get().user == here


def test_progress_and_completion_without_quiz(tree):
    u = resident_user(tree.house_a1)
    c = course(tree, quiz=False)
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    a = services.progress(actor=u, course=c, percent=60)
    assert a.percent == 60 and a.opened_at and not a.completed_at
    a = services.progress(actor=u, course=c, percent=30)  # never goes down
    assert a.percent == 60
    for bad in (-1, 101, "abc", None):
        with pytest.raises(ValidationError):
            services.progress(actor=u, course=c, percent=bad)
    a = services.progress(actor=u, course=c, percent=100)
    assert a.completed_at is not None
    stranger = resident_user(tree.house_a1)
    with pytest.raises(ValidationError):
        services.progress(actor=stranger, course=c, percent=10)


def test_quiz_scores_attempts_and_completion(tree):
    u = resident_user(tree.house_a1)
    c = course(tree, max_attempts=2, pass_score=60)
    q1, q2 = list(c.questions.order_by("position"))
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    services.progress(actor=u, course=c, percent=100)
    # Multiple choice: partially right is wrong. 1 of 2 → 50 < 60.
    at = services.quiz_submit(actor=u, course=c, answers={str(q1.pk): [0], str(q2.pk): [0]})
    assert (at.correct_count, at.score, at.passed) == (1, 50, False)
    a = Assignment.objects.get(course=c, user=u)
    assert a.completed_at is None and a.attempts == 1
    with pytest.raises(ValidationError):  # single choice with two answers
        services.quiz_submit(actor=u, course=c, answers={str(q1.pk): [0, 1]})
    at = services.quiz_submit(actor=u, course=c, answers={str(q1.pk): [0], str(q2.pk): [1, 0]})
    assert at.score == 100 and at.passed
    a.refresh_from_db()
    assert a.completed_at is not None and a.best_score == 100 and a.passed
    with pytest.raises(ValidationError):
        services.quiz_submit(actor=u, course=c, answers={})


def test_attempts_limited(tree):
    u = resident_user(tree.house_a1)
    c = course(tree, max_attempts=1)
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    services.quiz_submit(actor=u, course=c, answers={})
    n = AuditLog.objects.count()
    with pytest.raises(ValidationError) as err:
        services.quiz_submit(actor=u, course=c, answers={})
    assert "1" in err.value.message_dict["answers"][0]
    assert AuditLog.objects.count() == n


def test_score_is_floor_of_integer_fraction(tree):
    u = resident_user(tree.house_a1)
    c = course(tree, quiz=False)
    for i in range(3):
        services.question_add(
            actor=tree.users["secretary_a1"], course=c, text=f"q{i}", kind="single", options=["a", "b"], correct=[0]
        )
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    qs = list(c.questions.all())
    at = services.quiz_submit(actor=u, course=c, answers={str(qs[0].pk): [0], str(qs[1].pk): [0]})
    assert at.score == 66  # floor(200/3)


# -- statistics and the score-card selector ------------------------------------------------------------------


def test_branch_stats_and_completion(tree):
    org, users = branch_with_learners(tree, 3)
    c = course(tree)
    q1, q2 = list(c.questions.order_by("position"))
    services.assign_course(actor=tree.users["secretary_a1"], course=c, orgs=[org])
    right = {str(q1.pk): [0], str(q2.pk): [0, 1]}
    services.progress(actor=users[0], course=c, percent=100)
    services.quiz_submit(actor=users[0], course=c, answers=right)  # 100, completed
    services.quiz_submit(actor=users[1], course=c, answers={str(q1.pk): [0]})  # 50, not completed
    year = timezone.now().year
    stats = {s.org_id: s for s in selectors.branch_stats(tree.users["secretary_a1"], year=year)}
    s = stats[org.pk]
    assert (s.assigned, s.completed, str(s.average_score), str(s.completion_rate)) == (3, 1, "75.0", "33.3")
    assert selectors.branch_stats(tree.users["secretary_a1"], year=year - 1)[0].assigned == 0
    assert selectors.branch_stats(tree.users["resident_a1"], year=year) == []
    member = users[0].resident.party_memberships.get()
    comp = selectors.completion(member, year)
    assert (comp["assigned"], comp["completed"], str(comp["average_score"])) == (1, 1, "100.0")
    assert comp["assignments"][0][1] == c.title
    assert selectors.completion(users[1], year)["completed"] == 0
    assert selectors.completion(users[1], year - 1)["assigned"] == 0
    many = selectors.completion_many([member.pk], year)
    assert many[member.pk]["completed"] == 1


def test_visibility(tree):
    u = resident_user(tree.house_a1)
    c = course(tree)
    draft = course(tree, is_published=False, quiz=False)
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    assert set(restrict(Course.objects.all(), u)) == {c}
    assert not restrict(Course.objects.filter(pk=draft.pk), u).exists()
    assert not restrict(Course.objects.all(), tree.users["resident_a1"]).exists()
    assert restrict(Question.objects.all(), u).count() == 2
    assert restrict(Course.objects.all(), tree.users["street_a"]).count() == 2
    other = tree.users["district_admin"]
    assert restrict(Assignment.objects.all(), other).count() == 1
    assert not restrict(Assignment.objects.all(), tree.users["resident_a1"]).exists()


# -- pages and API ------------------------------------------------------------------------------------------


def test_learner_pages(client, tree):
    u = resident_user(tree.house_a1)
    c = course(tree)
    q1, q2 = list(c.questions.order_by("position"))
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    client.force_login(u)
    assert "学习条例" in client.get("/learning/").content.decode()
    r = client.get(f"/learning/courses/{c.pk}/")
    assert r.status_code == 200 and "<strong>坚持</strong>" in r.content.decode()
    assert Assignment.objects.get().opened_at is not None
    client.post(f"/learning/courses/{c.pk}/progress/", {"percent": "100"})
    r = client.post(f"/learning/courses/{c.pk}/quiz/", {f"q{q1.pk}": "0", f"q{q2.pk}": ["0", "1"]})
    assert r.status_code == 200 and 'data-testid="quiz-result"' in r.content.decode()
    assert Assignment.objects.get().completed_at is not None
    assert client.get(f"/learning/courses/{c.pk}/manage/").status_code == 404
    assert client.get("/learning/stats/").status_code == 404
    client.force_login(tree.users["resident_a1"])
    assert client.get(f"/learning/courses/{c.pk}/").status_code == 404


def test_staff_pages_and_exports(client, tree):
    from linli.registry.models import Resident

    org, users = branch_with_learners(tree, 2)
    type(org).objects.filter(pk=org.pk).update(name=FORMULA_NAME)  # names typed by users: text, never formulas
    Resident.objects.filter(pk=users[0].resident.pk).update(name=FORMULA_NAME)
    client.force_login(tree.users["secretary_a1"])
    r = client.post(
        "/learning/courses/new/",
        {
            "title": "PDF课",
            "kind": "pdf",
            "place": tree.comm_a1.pk,
            "pass_score": 60,
            "max_attempts": 3,
            "is_published": "on",
            "pdf_upload": SimpleUploadedFile("a.pdf", b"not a pdf"),
        },
    )
    assert r.status_code == 200 and not Course.objects.exists()
    r = client.post(
        "/learning/courses/new/",
        {
            "title": "PDF课",
            "kind": "pdf",
            "place": tree.comm_a1.pk,
            "pass_score": 60,
            "max_attempts": 3,
            "is_published": "on",
            "pdf_upload": SimpleUploadedFile("a.pdf", PDF),
        },
    )
    assert r.status_code == 302
    c = Course.objects.get()
    r = client.get(f"/learning/courses/{c.pk}/file/pdf/")
    assert r["Content-Type"] == "application/pdf" and b"".join(r.streaming_content).startswith(b"%PDF")
    r = client.post(f"/learning/courses/{c.pk}/manage/", {"do": "assign", "branches": [org.pk], "usernames": ""})
    assert r.status_code == 302 and Assignment.objects.count() == 2
    r = client.post(
        f"/learning/courses/{c.pk}/manage/",
        {"do": "question", "text": "q", "kind": "single", "options": "甲\n乙", "correct": "2"},
    )
    assert r.status_code == 302 and Question.objects.get().correct == [1]
    assert client.get("/learning/courses/").status_code == 200
    assert client.get("/learning/stats/").status_code == 200
    r = client.get("/learning/stats/?format=xlsx")
    content = b"".join(r.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    assert "secretary_a1" in ws["A1"].value and ws["B3"].value == 2
    assert_text_not_formula(content)
    r = client.get(f"/learning/courses/{c.pk}/learners.xlsx")
    content = b"".join(r.streaming_content)
    ws = load_workbook(io.BytesIO(content)).active
    assert ws.max_row == 4
    assert len(assert_text_not_formula(content)) == 3  # one learner, and the branch of both
    assert AuditLog.objects.filter(action="export").count() == 2


def test_manage_page_query_count_constant(client, tree):
    c = course(tree)
    client.force_login(tree.users["secretary_a1"])
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[resident_user(tree.house_a1)])
    with count_queries() as small:
        client.get(f"/learning/courses/{c.pk}/manage/")
    services.assign_course(
        actor=tree.users["secretary_a1"], course=c, users=[resident_user(tree.house_a1) for _ in range(4)]
    )
    with count_queries() as big:
        client.get(f"/learning/courses/{c.pk}/manage/")
    assert big.count == small.count


def test_api(client, tree, token_for):
    u = resident_user(tree.house_a1)
    c = course(tree)
    q1, q2 = list(c.questions.order_by("position"))
    services.assign_course(actor=tree.users["secretary_a1"], course=c, users=[u])
    h = token_for(u.username)
    r = client.get("/api/v1/learning/assignments", **h)
    assert r.status_code == 200 and r.json()["results"][0]["course_title"] == "学习条例"
    r = client.get(f"/api/v1/learning/courses/{c.pk}", **h)
    assert r.status_code == 200 and len(r.json()["questions"]) == 2 and "correct" not in r.json()["questions"][0]
    r = client.post(f"/api/v1/learning/courses/{c.pk}/progress", {"percent": 101}, content_type="application/json", **h)
    assert r.status_code == 400 and "percent" in r.json()["error"]["fields"]
    r = client.post(f"/api/v1/learning/courses/{c.pk}/progress", {"percent": 100}, content_type="application/json", **h)
    assert r.status_code == 200 and r.json()["percent"] == 100
    r = client.post(
        f"/api/v1/learning/courses/{c.pk}/quiz",
        {"answers": {str(q1.pk): [0], str(q2.pk): [0, 1]}},
        content_type="application/json",
        **h,
    )
    assert r.status_code == 201 and r.json() == {
        "score": 100,
        "correct_count": 2,
        "question_count": 2,
        "passed": True,
        "completed": True,
    }
    assert client.get("/api/v1/learning/stats", **h).status_code == 404
    r = client.get("/api/v1/learning/stats", **token_for("secretary_a1"))
    assert r.status_code == 200
    assert client.get(f"/api/v1/learning/courses/{c.pk}", **token_for("resident_a1")).status_code == 404


def test_scorecard_providers(tree):
    from linli.party.scorecard import branch_subjects, member_subjects
    from linli.scorecards.providers import providers

    assert providers.get("learning.member_completion") and providers.get("learning.branch_completion")
    org, users = branch_with_learners(tree, 2)
    c = course(tree, quiz=False)
    services.assign_course(actor=tree.users["secretary_a1"], course=c, orgs=[org])
    services.progress(actor=users[0], course=c, percent=100)
    year = timezone.now().year
    subs = member_subjects(tree.comm_a1.path, year)
    with count_queries() as q:
        values = providers.get("learning.member_completion").fn(subs, year)
    assert q.count <= 3
    done = {s.extra["resident"]: values[s.key] for s in subs}
    assert done[users[0].resident.pk].value == 100 and done[users[1].resident.pk].value == 0
    assert done[users[0].resident.pk].records[0]["ref"].startswith("learning.assignment:")
    branch = providers.get("learning.branch_completion").fn(branch_subjects(tree.comm_a1.path, year), year)
    assert str(branch[f"party.partyorg:{org.pk}"].value) == "50.0"
    assert providers.get("learning.member_completion").fn(subs, year - 1)[subs[0].key].value is None
