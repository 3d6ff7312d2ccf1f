"""/api/v1/learning — my assignments, a course, progress, quiz answers, statistics per branch."""

import datetime as dt
from decimal import Decimal

from django.http import Http404
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.permissions import Action, may_any

from . import selectors, services
from .models import Assignment

router = Router(tags=["learning"])


class LearningAssignmentOut(Schema):
    id: int
    course_id: int
    course_title: str = Field(..., alias="course.title")
    course_kind: str = Field(..., alias="course.kind")
    due_on: dt.date | None = None
    opened_at: dt.datetime | None = None
    percent: int
    attempts: int
    best_score: int | None = None
    passed: bool
    completed_at: dt.datetime | None = None


class QuestionOut(Schema):
    id: int
    text: str
    kind: str
    options: list[str]


class CourseOut(Schema):
    id: int
    title: str
    summary: str
    kind: str
    body: str = Field(..., description="Markdown source")
    video_url: str
    has_video_file: bool
    has_pdf_file: bool
    pass_score: int
    max_attempts: int
    questions: list[QuestionOut]
    assignment: LearningAssignmentOut | None = None


class ProgressIn(Schema):
    percent: int = Field(..., ge=0, le=100)


class QuizIn(Schema):
    answers: dict[str, list[int]] = Field(..., description="question id → chosen option indexes (from 0)")


class AttemptOut(Schema):
    score: int
    correct_count: int
    question_count: int
    passed: bool
    completed: bool


class BranchStatsOut(Schema):
    org_id: int
    name: str
    assigned: int
    completed: int
    completion_rate: Decimal | None = None
    average_score: Decimal | None = None


class StatsFilters(Schema):
    year: int | None = Field(None, ge=2000, le=2100)


@router.get(
    "/assignments", response={200: list[LearningAssignmentOut], **ERROR_RESPONSES}, summary="My assigned courses"
)
@paginate(PageNumber)
def my_assignments(request):
    return selectors.my_assignments(request.auth)


@router.get("/courses/{int:course_id}", response={200: CourseOut, **ERROR_RESPONSES}, summary="One course")
def get_course(request, course_id: int):
    course = selectors.course_for(request.auth, course_id)
    return {
        "id": course.pk,
        "title": course.title,
        "summary": course.summary,
        "kind": course.kind,
        "body": course.body,
        "video_url": course.video_url,
        "has_video_file": bool(course.video_file),
        "has_pdf_file": bool(course.pdf_file),
        "pass_score": course.pass_score,
        "max_attempts": course.max_attempts,
        "questions": list(selectors.questions(request.auth, course)),
        "assignment": selectors.my_assignment(request.auth, course),
    }


@router.post(
    "/courses/{int:course_id}/progress",
    response={200: LearningAssignmentOut, **ERROR_RESPONSES},
    summary="Report how far I got (never goes down)",
)
def post_progress(request, course_id: int, payload: ProgressIn):
    course = selectors.course_for(request.auth, course_id)
    return services.progress(actor=request.auth, course=course, percent=payload.percent)


@router.post(
    "/courses/{int:course_id}/quiz", response={201: AttemptOut, **ERROR_RESPONSES}, summary="Submit quiz answers"
)
def post_quiz(request, course_id: int, payload: QuizIn):
    course = selectors.course_for(request.auth, course_id)
    attempt = services.quiz_submit(actor=request.auth, course=course, answers=payload.answers)
    return Status(
        201,
        {
            "score": attempt.score,
            "correct_count": attempt.correct_count,
            "question_count": attempt.question_count,
            "passed": attempt.passed,
            "completed": attempt.assignment.completed_at is not None,
        },
    )


@router.get(
    "/stats",
    response={200: list[BranchStatsOut], **ERROR_RESPONSES},
    summary="Learning statistics per party branch in my scope",
)
def get_stats(request, filters: Query[StatsFilters]):
    if not may_any(request.auth, Assignment, Action.EXPORT):
        raise Http404
    return [
        {
            "org_id": s.org_id,
            "name": s.name,
            "assigned": s.assigned,
            "completed": s.completed,
            "completion_rate": s.completion_rate,
            "average_score": s.average_score,
        }
        for s in selectors.branch_stats(request.auth, year=filters.year)
    ]
