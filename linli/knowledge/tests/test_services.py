"""Services: documents and FAQ in, the index built by the task, answers quoted with their source, scope and
validity respected, unsure below the threshold, hand-over to a work order, FAQ from a question, bad input."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.base import ContentFile
from django.utils import translation

from linli.core.models import AuditLog
from linli.workorders.models import Case, Category

from .. import services
from ..models import Document, Faq, IndexBuild, IndexState, Passage, Question, QuestionState
from . import factories as f

pytestmark = pytest.mark.django_db


def test_index_task_runs_after_commit(tree, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        f.add(tree, f.GAOLING, title="高龄津贴发放办法")
    assert len(callbacks) == 1  # the immediate task backend ran the build
    assert IndexBuild.objects.get().state == IndexState.DONE
    assert services.answer(tree.users["resident_a1"], "高龄津贴每月多少钱").confident


def test_document_split_into_passages_and_indexed(tree):
    f.base(tree)
    doc = Document.objects.get(title="高龄津贴发放办法")
    assert doc.passage_count == 2 and doc.scope_path == tree.district.path
    assert list(doc.passages.values_list("heading", flat=True)) == ["一、发放对象", "二、发放标准"]
    build = IndexBuild.objects.filter(state=IndexState.DONE).latest("pk")
    assert build.done == Passage.objects.count() and build.data
    assert AuditLog.objects.filter(action="create", object_type="knowledge.document").count() == 4


def test_answer_quotes_source_section_and_date(tree):
    f.base(tree)
    result = services.ask(actor=tree.users["resident_a1"], question="90岁老人高龄津贴每月多少钱？")
    assert result.confident
    top = result.quotes[0]
    assert (top.source, top.heading, top.dated) == ("高龄津贴发放办法", "二、发放标准", dt.date(2026, 1, 10))
    assert "300元" in top.text
    q = Question.objects.get(pk=result.question_id)
    assert q.state == QuestionState.ANSWERED and q.scope_path == tree.comm_a1.path


def test_community_texts_only_in_their_community(tree):
    f.base(tree)
    mine = services.answer(tree.users["resident_a1"], "雨秀社区党群服务中心几点开放")
    assert mine.confident and mine.quotes[0].source == "雨秀社区便民服务公告"
    other = services.answer(tree.users["street_a"], "党群服务中心周六开放吗")
    assert all(q.source != "雨秀社区便民服务公告" for q in other.quotes)


def test_expired_text_is_not_quoted(tree):
    f.add(tree, f.GAOLING, title="旧办法", valid_until=dt.date(2020, 12, 31), issued_on=dt.date(2019, 1, 1))
    result = services.answer(tree.users["resident_a1"], "高龄津贴每月多少钱")
    assert not result.quotes and not result.confident


def test_out_of_scope_is_unsure_and_waits_for_staff(tree):
    f.base(tree)
    result = services.ask(actor=tree.users["resident_a1"], question="明天股票会涨吗")
    assert not result.confident
    assert Question.objects.get(pk=result.question_id).state == QuestionState.OPEN


def test_numbers_masked_and_asker_not_stored(tree):
    f.base(tree)
    result = services.ask(
        actor=tree.users["resident_a1"], question="我的电话13912345678，身份证340504199001011234 能领低保吗"
    )
    text = Question.objects.get(pk=result.question_id).text
    assert "13912345678" not in text and "340504199001011234" not in text and "13*" in text
    assert not any(f.name in ("asked_by", "user", "account") for f in Question._meta.fields)


def test_english_question_answered_in_english_or_says_so(tree):
    f.base(tree)
    yes = services.answer(tree.users["resident_a1"], "Which bin is for food waste?")
    assert yes.lang == "en" and yes.confident and yes.quotes[0].source == "Waste sorting guide"
    no = services.answer(tree.users["resident_a1"], "How much is the old-age allowance?")
    assert no.lang == "en" and not no.confident


@pytest.mark.parametrize(
    "raw,message",
    [
        ("", "Type your question."),
        ("   ", "Type your question."),
        ("<script>alert(1)</script>", "Type your question."),
        ("问" * 301, "at most 300"),
        ("\x00\x01\x02\x03abc", "does not look like"),
        (None, "Type your question."),
    ],
)
def test_bad_questions_refused_and_nothing_stored(tree, raw, message):
    with translation.override("en"), pytest.raises(ValidationError) as exc:
        services.ask(actor=tree.users["resident_a1"], question=raw)
    assert message in " ".join(exc.value.messages)
    assert Question.objects.count() == 0


def test_script_in_a_question_is_dropped(tree):
    f.base(tree)
    result = services.ask(
        actor=tree.users["resident_a1"], question="<b>90岁老人高龄津贴</b><script>x()</script>每月多少钱"
    )
    assert "<" not in result.question and "script" not in result.question and result.confident


def test_handover_opens_a_consultation_prefilled_with_the_question(tree):
    f.base(tree)
    resident = tree.users["resident_a1"]
    result = services.ask(actor=resident, question="小区门口的路灯归谁管")
    question = Question.objects.get(pk=result.question_id)
    category = Category.objects.filter(is_public=True, is_active=True).first()
    case = services.question_handover(actor=resident, question=question, category=category)
    assert case.description == "小区门口的路灯归谁管" and case.case_type == "consult"
    assert case.place_id == tree.house_a1.pk and case.reporter_id == resident.pk
    assert case.origin == f"knowledge.question:{question.pk}"
    question.refresh_from_db()
    assert question.state == QuestionState.HANDED and question.case_number == case.number
    with pytest.raises(ValidationError):
        services.question_handover(actor=resident, question=question, category=category)
    assert Case.objects.count() == 1


def test_faq_from_an_unanswered_question_is_indexed(tree):
    f.base(tree)
    resident, secretary = tree.users["resident_a1"], tree.users["secretary_a1"]
    asked = services.ask(actor=resident, question="社区能开居住证明吗")
    assert not asked.confident
    question = Question.objects.get(pk=asked.question_id)
    services.faq_create(
        actor=secretary,
        place=tree.comm_a1,
        question="社区能开居住证明吗",
        answer="居住证明不在社区证明事项清单内，请到派出所办理居住登记。",
        from_question=question,
    )
    f.reindex()
    question.refresh_from_db()
    assert question.state == QuestionState.FAQ
    again = services.answer(resident, "社区可以开居住证明吗")
    assert again.confident and "派出所" in again.quotes[0].text
    assert again.quotes[0].heading == "社区能开居住证明吗"


def test_faq_out_of_scope_refused(tree):
    with pytest.raises(PermissionDenied):
        services.faq_create(actor=tree.users["secretary_a1"], place=tree.comm_b1, question="问", answer="答")
    with pytest.raises(ValidationError):
        services.faq_create(actor=tree.users["secretary_a1"], place=tree.comm_a1, question="", answer="答")
    assert Faq.objects.count() == 0


def test_failing_file_reported_alone_and_nothing_half_indexed(tree):
    files = [ContentFile(f.GAOLING.encode(), name="good.md"), ContentFile(b"\x00\x01bin", name="bad.doc")]
    results = services.upload_documents(
        actor=tree.users["district_admin"], place=tree.district, files=files, issued_on=dt.date(2026, 1, 1)
    )
    assert [(name, bool(doc)) for name, doc, _p in results] == [("good.md", True), ("bad.doc", False)]
    assert "bad.doc" in results[1][2]
    assert Document.objects.count() == 1 and Passage.objects.filter(document__original_name="bad.doc").count() == 0


def test_document_out_of_scope_and_bad_dates(tree):
    with pytest.raises(PermissionDenied):
        services.document_add(
            actor=tree.users["secretary_a1"],
            place=tree.comm_b1,
            upload=ContentFile(b"# a\nb", name="x.md"),
            issued_on=dt.date(2026, 1, 1),
        )
    with pytest.raises(ValidationError):
        f.add(tree, f.GAOLING, valid_from=dt.date(2026, 2, 1), valid_until=dt.date(2026, 1, 1))
    assert Document.objects.count() == 0


def test_withdrawn_document_leaves_the_index(tree):
    f.base(tree)
    doc = Document.objects.get(title="高龄津贴发放办法")
    services.document_withdraw(actor=tree.users["district_admin"], document=doc)
    f.reindex()
    assert not services.answer(tree.users["resident_a1"], "高龄津贴每月多少钱").confident


def test_failed_build_keeps_the_previous_index(tree, monkeypatch):
    f.base(tree)
    from ..engine import retrieval

    def boom(*a, **k):
        raise RuntimeError("disk full")

    monkeypatch.setattr(retrieval, "build", boom)
    build = services.index_request(actor=tree.users["district_admin"])
    assert services.index_run(build.pk) in ("failed", "skipped")
    assert IndexBuild.objects.get(pk=build.pk).state == IndexState.FAILED
    assert services.answer(tree.users["resident_a1"], "高龄津贴每月多少钱").confident


def test_residents_may_not_rebuild(tree):
    with pytest.raises(PermissionDenied):
        services.index_request(actor=tree.users["resident_a1"])
