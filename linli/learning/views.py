"""微学习 pages: my courses (phone-first), the course page with progress and quiz, staff course management,
assignment, statistics per branch with xlsx export."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core import dates
from linli.core.permissions import Action, can, may_any
from linli.core.views import apply_validation_error

from . import exporting, files, selectors, services
from .forms import AssignForm, CourseForm, QuestionForm
from .models import Assignment, Course, Question
from .text import render as render_markdown


def _msg(exc: ValidationError) -> str:
    return " ".join(exc.messages)


@login_required
def mine(request):
    return render(request, "learning/mine.html", {"assignments": selectors.my_assignments(request.user)})


@login_required
def course_list(request):
    if not may_any(request.user, Course, Action.ADD):
        raise Http404
    q = request.GET.get("q", "")[:60]
    page = Paginator(selectors.courses(request.user, q=q).order_by("-created_at", "-id"), 30).get_page(
        request.GET.get("page")
    )
    # A course the user may only read (e.g. a district-wide one, for a community) links to its page, not to
    # its management page, which would answer 404.
    changeable = set(
        selectors.courses(request.user, action=Action.CHANGE)
        .filter(pk__in=[c.pk for c in page.object_list])
        .values_list("pk", flat=True)
    )
    for c in page.object_list:
        c.may_manage = c.pk in changeable
    return render(request, "learning/course_list.html", {"page_obj": page, "object_list": page.object_list, "q": q})


@login_required
def course_create(request):
    if not may_any(request.user, Course, Action.ADD):
        raise Http404
    form = CourseForm(request.POST or None, request.FILES or None, user=request.user)
    if request.method == "POST" and form.is_valid():
        try:
            course = services.course_create(
                actor=request.user, place=form.cleaned_data["place"], **form.service_kwargs()
            )
            messages.success(request, _("Course saved. Add quiz questions and assign it."))
            return redirect("learning:manage", pk=course.pk)
        except ValidationError as exc:
            apply_validation_error(form, exc)
    return render(request, "learning/course_form.html", {"form": form, "title": _("New course")})


@login_required
def course_page(request, pk):
    course = selectors.course_for(request.user, pk)
    assignment = selectors.my_assignment(request.user, course)
    if assignment is not None and assignment.opened_at is None:
        assignment = services.course_open(actor=request.user, course=course)
    questions = list(selectors.questions(request.user, course))
    return render(
        request,
        "learning/course.html",
        {
            "course": course,
            "assignment": assignment,
            "body_html": render_markdown(course.body),
            "n_questions": len(questions),
            "may_manage": can(request.user, Action.CHANGE, course),
            "attempts_left": (course.max_attempts - assignment.attempts)
            if assignment and course.max_attempts
            else None,
            "steps": (25, 50, 75, 100),
        },
    )


@login_required
@require_POST
def course_progress(request, pk):
    course = selectors.course_for(request.user, pk)
    try:
        a = services.progress(actor=request.user, course=course, percent=request.POST.get("percent"))
        if a.completed_at:
            messages.success(request, _("Course completed."))
        elif a.percent >= 100:
            messages.info(request, _("Now take the quiz to complete the course."))
    except ValidationError as exc:
        messages.error(request, _msg(exc))
    return redirect("learning:course", pk=pk)


@login_required
def course_file(request, pk, which):
    course = selectors.course_for(request.user, pk)
    field = {"video": course.video_file, "pdf": course.pdf_file}.get(which)
    if not field:
        raise Http404
    response = FileResponse(field.open("rb"), content_type=files.content_type(field.name))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Disposition"] = "inline"
    return response


@login_required
def quiz(request, pk):
    course = selectors.course_for(request.user, pk)
    assignment = selectors.my_assignment(request.user, course)
    if assignment is None:
        raise Http404
    questions = list(selectors.questions(request.user, course))
    result = None
    error = ""
    if request.method == "POST":
        answers = {}
        for q in questions:
            raw = request.POST.getlist(f"q{q.pk}")
            try:
                answers[str(q.pk)] = [int(x) for x in raw]
            except ValueError:
                answers[str(q.pk)] = []
        try:
            result = services.quiz_submit(actor=request.user, course=course, answers=answers)
            assignment.refresh_from_db()
        except ValidationError as exc:
            error = _msg(exc)
    return render(
        request,
        "learning/quiz.html",
        {"course": course, "assignment": assignment, "questions": questions, "result": result, "error": error},
    )


SKIPPED_NAMED = 20  # members without a login named in the message after an assignment


@login_required
def manage(request, pk):
    course = selectors.course_for(request.user, pk, Action.CHANGE)
    form = CourseForm(instance=course, user=request.user)
    qform, aform = QuestionForm(), AssignForm(user=request.user)
    if request.method == "POST":
        do = request.POST.get("do")
        try:
            if do == "details":
                form = CourseForm(
                    request.POST, request.FILES, instance=Course.objects.get(pk=course.pk), user=request.user
                )
                if form.is_valid():
                    services.course_update(actor=request.user, course=course, **form.service_kwargs())
                    messages.success(request, _("Saved."))
                    return redirect("learning:manage", pk=pk)
            elif do == "question":
                qform = QuestionForm(request.POST)
                if qform.is_valid():
                    services.question_add(actor=request.user, course=course, **qform.cleaned_data)
                    return redirect("learning:manage", pk=pk)
            elif do == "remove_question":
                q = get_object_or_404(Question, course=course, pk=request.POST.get("question"))
                services.question_remove(actor=request.user, question=q)
                return redirect("learning:manage", pk=pk)
            elif do == "assign":
                aform = AssignForm(request.POST, user=request.user)
                if aform.is_valid():
                    rows = services.assign_course(
                        actor=request.user,
                        course=course,
                        users=aform.cleaned_data["usernames"],
                        orgs=list(aform.cleaned_data["branches"]),
                        due_on=aform.cleaned_data.get("due_on"),
                    )
                    messages.success(request, _("%(n)s assigned.") % {"n": len(rows)})
                    if rows.skipped:
                        names = "、".join(s["name"] for s in rows.skipped[:SKIPPED_NAMED])
                        if len(rows.skipped) > SKIPPED_NAMED:
                            names += _(" and %(n)s more") % {"n": len(rows.skipped) - SKIPPED_NAMED}
                        messages.warning(
                            request,
                            _(
                                "%(n)s members of the chosen branches have no login and were not assigned: %(names)s. "
                                "Link their resident records to a login to include them."
                            )
                            % {"n": len(rows.skipped), "names": names},
                        )
                    return redirect("learning:manage", pk=pk)
        except ValidationError as exc:
            target = {"details": form, "question": qform, "assign": aform}.get(do)
            if target is not None:
                apply_validation_error(target, exc)
            if target is None or not target.errors:
                messages.error(request, _msg(exc))
    learners = selectors.learners(request.user, course)
    page = Paginator(learners, 50).get_page(request.GET.get("page"))
    return render(
        request,
        "learning/manage.html",
        {
            "course": course,
            "form": form,
            "qform": qform,
            "aform": aform,
            "questions": selectors.questions(request.user, course),
            "page_obj": page,
            "learners": page.object_list,
            "may_export": may_any(request.user, Assignment, Action.EXPORT),
        },
    )


@login_required
def learners_export(request, pk):
    course = selectors.course_for(request.user, pk, Action.CHANGE)
    out, _n = exporting.export_learners(actor=request.user, course=course)
    return FileResponse(out, as_attachment=True, filename=f"learners-{course.pk}.xlsx")


def _year(request) -> int | None:
    raw = request.GET.get("year", "")
    if raw == "all":
        return None
    try:
        year = int(raw)
    except ValueError:
        return dates.today().year
    return year if 2000 <= year <= 2100 else dates.today().year


@login_required
def stats(request):
    if not may_any(request.user, Assignment, Action.EXPORT):
        raise Http404
    year = _year(request)
    if request.GET.get("format") == "xlsx":
        out, _n = exporting.export_stats(actor=request.user, year=year)
        return FileResponse(out, as_attachment=True, filename=f"learning-{year or 'all'}.xlsx")
    this_year = dates.today().year
    return render(
        request,
        "learning/stats.html",
        {
            "rows": selectors.branch_stats(request.user, year=year),
            "year": year,
            "years": list(range(this_year, this_year - 5, -1)),
        },
    )
