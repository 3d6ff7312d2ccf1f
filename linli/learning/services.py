"""Every write to 微学习: courses and their files, questions, assignments, progress, quiz attempts."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, events
from linli.core.permissions import Action, require, require_at
from linli.core.services import assign, save_audited
from linli.registry.selectors import resident_of

from . import files
from .models import Assignment, Course, CourseKind, Question, QuestionKind, QuizAttempt

COURSE_FIELDS = ("title", "summary", "kind", "body", "video_url", "pass_score", "max_attempts", "is_published")
QUESTION_FIELDS = ("text", "kind", "options", "correct", "position")


def _apply_files(course: Course, video_file=None, pdf_file=None):
    if video_file is not None:
        course.video_file = files.clean_video(video_file)
    if pdf_file is not None:
        course.pdf_file = files.clean_pdf(pdf_file)


def _files_note(course: Course) -> str:
    return " ".join(f.name for f in (course.video_file, course.pdf_file) if f)[:200]


@transaction.atomic
def course_create(*, actor, place, video_file=None, pdf_file=None, **attrs) -> Course:
    if place is None:
        raise ValidationError({"place": _("Choose where the course belongs.")})
    require_at(actor, Action.ADD, Course, place.path)
    course = Course(place=place, scope_path=place.path, created_by=actor)
    assign(course, attrs, COURSE_FIELDS)
    _apply_files(course, video_file, pdf_file)
    save_audited(actor=actor, obj=course, action="create", note=_files_note(course))
    events.publish("learning.course.created", {"id": course.pk, "path": course.scope_path})
    return course


@transaction.atomic
def course_update(*, actor, course: Course, video_file=None, pdf_file=None, **changes) -> Course:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(actor, Action.CHANGE, course)
    before = audit.snapshot(course)
    assign(course, changes, COURSE_FIELDS)
    _apply_files(course, video_file, pdf_file)
    if course.kind != CourseKind.VIDEO:
        course.video_url = ""
    save_audited(actor=actor, obj=course, action="update", before=before, note=_files_note(course))
    return course


@transaction.atomic
def question_add(*, actor, course: Course, **attrs) -> Question:
    course = Course.objects.select_for_update().get(pk=course.pk)
    require(actor, Action.CHANGE, course)
    last = Question.objects.filter(course=course).order_by("-position").first()
    q = Question(course=course, scope_path=course.scope_path, position=(last.position + 1) if last else 1)
    assign(q, attrs, QUESTION_FIELDS)
    if isinstance(q.options, list):
        q.options = [str(o).strip() for o in q.options]
    save_audited(actor=actor, obj=q, action="create")
    return q


@transaction.atomic
def question_remove(*, actor, question: Question) -> None:
    course = Course.objects.select_for_update().get(pk=question.course_id)
    require(actor, Action.CHANGE, course)
    audit.record(actor=actor, action="delete", obj=question, before=audit.snapshot(question))
    question.delete()


# -- assignments ---------------------------------------------------------------------------------------------


class Assigned(list):
    """The new assignments (a list, as before), plus ``skipped``: the active members of the chosen branches who
    could not be assigned because they have no (active) login — each ``{"member": pk, "name", "org"}`` — so the
    assigner can see who still needs one instead of the course silently missing them."""

    def __init__(self, rows=(), skipped=()):
        super().__init__(rows)
        self.skipped = list(skipped)


@transaction.atomic
def assign_course(*, actor, course: Course, users=(), orgs=(), due_on=None) -> Assigned:
    """Assign to users and/or whole party branches (their active members with a login). Existing ones are kept.
    Members without a login cannot study online: they are reported in ``result.skipped`` (and the audit row)."""
    from linli.party.models import PartyMember

    course = Course.objects.select_for_update().get(pk=course.pk)
    require(actor, Action.CHANGE, course)
    if not course.is_published:
        raise ValidationError({"is_published": _("Publish the course before assigning it.")})
    wanted: dict[int, Assignment] = {}
    for user in users:
        if user is None or not user.is_active:
            continue
        resident = resident_of(user)
        wanted.setdefault(
            user.pk,
            Assignment(
                course=course,
                user=user,
                resident=resident,
                scope_path=resident.scope_path if resident else course.scope_path,
            ),
        )
    skipped = []
    for org in orgs:
        require(actor, Action.VIEW, org)
        for m in (
            PartyMember.objects.filter(org=org, is_active=True)
            .select_related("resident__account")
            .order_by("resident__name", "pk")
        ):
            account = m.resident.account
            if account is None or not account.is_active:
                skipped.append({"member": m.pk, "name": m.resident.name, "org": org.name})
                continue
            wanted.setdefault(
                account.pk,
                Assignment(
                    course=course, user_id=account.pk, resident=m.resident, via_org=org, scope_path=m.scope_path
                ),
            )
    existing = set(Assignment.objects.filter(course=course).values_list("user_id", flat=True))
    rows = [a for uid, a in wanted.items() if uid not in existing]
    for a in rows:
        a.assigned_by, a.due_on = actor, due_on
    Assignment.objects.bulk_create(rows)
    if rows or skipped:
        audit.record(
            actor=actor,
            action="assign",
            obj=course,
            note=_("%(n)s assigned, %(s)s members without a login skipped") % {"n": len(rows), "s": len(skipped)},
            after={
                "users": [a.user_id for a in rows],
                "orgs": [o.pk for o in orgs],
                "skipped_members": [s["member"] for s in skipped],
            },
        )
        from django.contrib.auth import get_user_model

        from linli.notifications.services import notify

        notify(
            users=get_user_model().objects.filter(pk__in=[a.user_id for a in rows]),
            title=_("New course to study: %(title)s") % {"title": course.title},
            body=course.summary,
            url=reverse("learning:course", args=[course.pk]),
            kind="learning.assigned",
            obj=course,
        )
    return Assigned(rows, skipped)


def _own_assignment(actor, course: Course) -> Assignment:
    a = Assignment.objects.select_for_update().filter(course_id=course.pk, user_id=getattr(actor, "pk", None)).first()
    if a is None:
        raise ValidationError({"course": _("This course is not assigned to you.")})
    return a


def _maybe_complete(a: Assignment, has_quiz: bool) -> None:
    if a.completed_at is None and a.percent >= 100 and (a.passed or not has_quiz):
        a.completed_at = timezone.now()


@transaction.atomic
def course_open(*, actor, course: Course) -> Assignment:
    """The learner opened the course (first time recorded; no time-on-page tracking)."""
    a = _own_assignment(actor, course)
    if a.opened_at is None:
        a.opened_at = timezone.now()
        a.save(update_fields=["opened_at", "updated_at"])
    return a


@transaction.atomic
def progress(*, actor, course: Course, percent) -> Assignment:
    """The learner reports how far they got (0–100, never goes down). 100 with the quiz passed (or no quiz)
    completes the course."""
    try:
        percent = int(percent)
    except (TypeError, ValueError):
        raise ValidationError({"percent": _("Enter a whole number from 0 to 100.")}) from None
    if not 0 <= percent <= 100:
        raise ValidationError({"percent": _("Enter a whole number from 0 to 100.")})
    a = _own_assignment(actor, course)
    before = audit.snapshot(a)
    a.opened_at = a.opened_at or timezone.now()
    a.percent = max(a.percent, percent)
    _maybe_complete(a, Question.objects.filter(course_id=course.pk).exists())
    a.save()
    if a.completed_at and not before.get("completed_at"):
        audit.record(actor=actor, action="complete", obj=a, before=before, after=audit.snapshot(a))
        events.publish("learning.course.completed", {"assignment": a.pk, "user": a.user_id, "course": course.pk})
    return a


def grade(questions: list[Question], answers: dict) -> tuple[int, int, int]:
    """(correct, total, score 0–100). A question is right when exactly the correct options are chosen.
    The score is floor(100 × correct / total) in integers."""
    total = len(questions)
    correct = 0
    for q in questions:
        given = answers.get(str(q.pk), answers.get(q.pk, []))
        if isinstance(given, int) and not isinstance(given, bool):
            given = [given]
        if not isinstance(given, list) or not all(isinstance(i, int) and not isinstance(i, bool) for i in given):
            raise ValidationError({"answers": _("Answer with the option numbers.")})
        if q.kind == QuestionKind.SINGLE and len(given) > 1:
            raise ValidationError({"answers": _("Choose only one option for “%(q)s”.") % {"q": q.text[:40]}})
        if sorted(set(given)) == sorted(q.correct):
            correct += 1
    score = (100 * correct) // total if total else 0
    return correct, total, score


@transaction.atomic
def quiz_submit(*, actor, course: Course, answers: dict) -> QuizAttempt:
    a = _own_assignment(actor, course)
    course = Course.objects.get(pk=course.pk)
    questions = list(Question.objects.filter(course=course))
    if not questions:
        raise ValidationError({"answers": _("This course has no quiz.")})
    if a.passed:
        raise ValidationError({"answers": _("You have already passed this quiz.")})
    if course.max_attempts and a.attempts >= course.max_attempts:
        raise ValidationError({"answers": _("No attempts left (%(n)s allowed).") % {"n": course.max_attempts}})
    if not isinstance(answers, dict):
        raise ValidationError({"answers": _("Answer with the option numbers.")})
    correct, total, score = grade(questions, answers)
    passed = score >= course.pass_score
    attempt = QuizAttempt.objects.create(
        assignment=a,
        answers={str(k): v for k, v in answers.items()},
        correct_count=correct,
        question_count=total,
        score=score,
        passed=passed,
        scope_path=a.scope_path,
    )
    before = audit.snapshot(a)
    a.attempts += 1
    a.best_score = max(a.best_score or 0, score)
    a.passed = a.passed or passed
    a.opened_at = a.opened_at or timezone.now()
    _maybe_complete(a, True)
    a.save()
    audit.record(actor=actor, action="quiz", obj=a, before=before, after=audit.snapshot(a), note=f"{score}/100")
    if a.completed_at and not before.get("completed_at"):
        events.publish("learning.course.completed", {"assignment": a.pk, "user": a.user_id, "course": course.pk})
    return attempt
