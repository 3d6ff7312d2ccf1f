"""Pages: the phone chat (full page and htmx answer), the hand-over of an unsure answer, the staff pages (upload
with per-file results, index progress, FAQ from an unanswered question), permissions."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from linli.workorders.models import Case, Category

from ..models import Document, Faq, Question, QuestionState
from . import factories as f

pytestmark = pytest.mark.django_db
HX = {"HTTP_HX_REQUEST": "true"}


def login(client, tree, name):
    client.force_login(tree.users[name])


def test_resident_gets_a_cited_answer_by_htmx(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    page = client.get(reverse("knowledge:ask"))
    assert page.status_code == 200 and b'data-testid="ask-form"' in page.content
    resp = client.post(reverse("knowledge:ask"), {"question": "90岁老人高龄津贴每月多少钱"}, **HX)
    body = resp.content.decode()
    assert resp.status_code == 200 and 'data-confident="yes"' in body
    assert "高龄津贴发放办法 · 二、发放标准 · 2026-01-10" in body and "<html" not in body


def test_unsure_answer_offers_the_hand_over_which_opens_a_work_order(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    resp = client.post(reverse("knowledge:ask"), {"question": "小区门口的路灯归谁管"})
    body = resp.content.decode()
    assert 'data-confident="no"' in body and 'data-testid="handover"' in body
    question = Question.objects.get()
    url = reverse("knowledge:handover", args=[question.pk])
    form = client.get(url)
    assert form.status_code == 200 and "小区门口的路灯归谁管" in form.content.decode()
    category = Category.objects.filter(is_public=True, is_active=True).first()
    done = client.post(url, {"category": category.pk, "details": "小区门口的路灯归谁管？晚上很黑"})
    case = Case.objects.get()
    assert done.status_code == 302 and done["Location"] == reverse("workorders:case_detail", args=[case.pk])
    assert case.description == "小区门口的路灯归谁管？晚上很黑"
    question.refresh_from_db()
    assert question.state == QuestionState.HANDED


def test_only_own_session_questions_can_be_handed_over(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    client.post(reverse("knowledge:ask"), {"question": "小区门口的路灯归谁管"})
    question = Question.objects.get()
    client.logout()
    login(client, tree, "resident_a1")  # a new session
    assert client.get(reverse("knowledge:handover", args=[question.pk])).status_code == 404
    assert client.post(reverse("knowledge:leave", args=[question.pk])).status_code == 404


def test_leave_it_for_staff(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    client.post(reverse("knowledge:ask"), {"question": "小区门口的路灯归谁管"})
    question = Question.objects.get()
    resp = client.post(reverse("knowledge:leave", args=[question.pk]), follow=True)
    assert "Community staff will look" in resp.content.decode() or "社区工作人员" in resp.content.decode()
    assert Question.objects.get().state == QuestionState.OPEN


@pytest.mark.parametrize("question", ["", "问" * 301, "<script>alert(1)</script>"])
def test_bad_question_shows_a_field_error(client, tree, question):
    login(client, tree, "resident_a1")
    resp = client.post(reverse("knowledge:ask"), {"question": question})
    assert resp.status_code == 400 and b'data-testid="ask-error"' in resp.content
    htmx = client.post(reverse("knowledge:ask"), {"question": question}, **HX)
    assert b"errorlist" in htmx.content and b"<script>alert" not in htmx.content
    assert Question.objects.count() == 0


def test_english_question_answered_in_english(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    resp = client.post(reverse("knowledge:ask"), {"question": "Where do I put old furniture?"}, **HX)
    assert "I could not find an answer in English" in resp.content.decode()
    resp = client.post(reverse("knowledge:ask"), {"question": "Which bin is for food waste?"}, **HX)
    assert "This is what the published texts say" in resp.content.decode()


def test_upload_reports_each_file(client, tree):
    login(client, tree, "secretary_a1")
    good = SimpleUploadedFile("good.md", "# 一、对象\n年满80周岁的老人".encode())
    bad = SimpleUploadedFile("bad.pdf", b"%PDF-1.4 truncated")
    resp = client.post(
        reverse("knowledge:upload"),
        {"place": tree.comm_a1.code, "files": [good, bad], "issued_on": "2026-01-01"},
    )
    body = resp.content.decode()
    assert resp.status_code == 400 and "✓ good.md" in body and "bad.pdf" in body
    assert list(Document.objects.values_list("original_name", flat=True)) == ["good.md"]


def test_upload_out_of_scope_place_is_a_field_error(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.post(
        reverse("knowledge:upload"),
        {"place": tree.comm_b1.code, "files": [SimpleUploadedFile("a.md", b"# a\nb")], "issued_on": "2026-01-01"},
    )
    assert resp.status_code == 400 and Document.objects.count() == 0


def test_staff_pages_and_index_progress(client, tree):
    f.base(tree)
    login(client, tree, "secretary_a1")
    for name in ("knowledge:documents", "knowledge:faqs", "knowledge:questions"):
        assert client.get(reverse(name)).status_code == 200, name
    assert client.get(reverse("knowledge:documents"), {"q": "高龄"}, **HX).status_code == 200
    status = client.get(reverse("knowledge:index_status"))
    assert (status.status_code == 200 and "passages" in status.content.decode()) or "段" in status.content.decode()
    doc = Document.objects.get(title="高龄津贴发放办法")
    assert client.get(reverse("knowledge:document", args=[doc.pk])).status_code == 200
    assert client.post(reverse("knowledge:reindex")).status_code == 302


def test_pages_closed_to_residents_and_out_of_scope(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    for name in ("knowledge:documents", "knowledge:faqs", "knowledge:questions", "knowledge:upload"):
        assert client.get(reverse(name)).status_code == 403, name
    login(client, tree, "secretary_a1")
    other = f.add(tree, f.COMMUNITY, place=tree.comm_b1, title="半山花园公告")
    assert client.get(reverse("knowledge:document", args=[other.pk])).status_code == 404


def test_faq_from_an_unanswered_question(client, tree):
    f.base(tree)
    login(client, tree, "resident_a1")
    client.post(reverse("knowledge:ask"), {"question": "社区能开居住证明吗"})
    question = Question.objects.get(state=QuestionState.OPEN)
    login(client, tree, "secretary_a1")
    listing = client.get(reverse("knowledge:questions")).content.decode()
    assert "社区能开居住证明吗" in listing
    url = reverse("knowledge:faq_add") + f"?question={question.pk}"
    assert "社区能开居住证明吗" in client.get(url).content.decode()
    resp = client.post(
        url,
        {"place": tree.comm_a1.code, "question": "社区能开居住证明吗", "answer": "请到派出所办理居住登记。"},
    )
    assert resp.status_code == 302
    assert Faq.objects.get().from_question_id == question.pk
    assert Question.objects.get(pk=question.pk).state == QuestionState.FAQ
    bad = client.post(reverse("knowledge:faq_add"), {"place": tree.comm_a1.code, "question": "", "answer": ""})
    assert bad.status_code == 400


def test_close_a_question(client, tree):
    login(client, tree, "resident_a1")
    client.post(reverse("knowledge:ask"), {"question": "明天股票会涨吗"})
    question = Question.objects.get()
    login(client, tree, "secretary_a1")
    assert client.post(reverse("knowledge:question_close", args=[question.pk])).status_code == 302
    assert Question.objects.get().state == QuestionState.CLOSED
    login(client, tree, "grid_a")
    assert client.post(reverse("knowledge:question_close", args=[question.pk])).status_code == 404


def test_withdraw(client, tree):
    f.base(tree)
    login(client, tree, "district_admin")
    doc = Document.objects.get(title="高龄津贴发放办法")
    assert client.post(reverse("knowledge:withdraw", args=[doc.pk])).status_code == 302
    assert not Document.objects.get(pk=doc.pk).is_active


def test_validity_dates_checked(client, tree):
    login(client, tree, "secretary_a1")
    resp = client.post(
        reverse("knowledge:upload"),
        {
            "place": tree.comm_a1.code,
            "files": [SimpleUploadedFile("a.md", b"# a\nb")],
            "issued_on": str(dt.date(2026, 1, 1)),
            "valid_from": "2026-03-01",
            "valid_until": "2026-02-01",
        },
    )
    assert resp.status_code == 400 and Document.objects.count() == 0


def test_waiting_questions_are_a_todo(client, tree):
    from linli.knowledge.todos import collect

    login(client, tree, "resident_a1")
    client.post(reverse("knowledge:ask"), {"question": "明天股票会涨吗"})
    todos = collect(tree.users["secretary_a1"])
    assert [(t.key, t.count) for t in todos] == [("knowledge.unanswered", 1)]
    assert collect(tree.users["resident_a1"]) == [] and collect(tree.users["grid_a"]) == []
    assert collect(tree.users["street_a"])[0].count == 1


def test_running_build_shows_progress_and_polls(client, tree):
    from ..models import IndexBuild, IndexState

    IndexBuild.objects.create(state=IndexState.RUNNING, total=2000, done=500)
    login(client, tree, "secretary_a1")
    body = client.get(reverse("knowledge:index_status"), **HX).content.decode()
    assert 'hx-trigger="every 2s"' in body and 'value="500" max="2000"' in body and "500 / 2000" in body
    IndexBuild.objects.update(state=IndexState.DONE, done=2000)
    assert 'hx-trigger="every 2s"' not in client.get(reverse("knowledge:index_status"), **HX).content.decode()
    login(client, tree, "resident_a1")
    assert client.get(reverse("knowledge:index_status")).status_code == 403
