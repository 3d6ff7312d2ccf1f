"""智能回应 on the phone: the chat page (a question, the quoted answer appended by htmx), and the hand-over of an
unsure answer — a work order prefilled with the question, or the question left for staff. Only the questions
asked in this browser session may be handed over (the question rows do not record who asked)."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from linli.core.views import apply_validation_error

from .. import selectors, services
from ..forms import AskForm, HandoverForm
from ..models import Question, QuestionState

SESSION_KEY = "knowledge_asked"
KEEP = 20


def _remember(request, pk: int) -> None:
    asked = [p for p in request.session.get(SESSION_KEY, []) if p != pk][-(KEEP - 1) :]
    request.session[SESSION_KEY] = [*asked, pk]


def _own_question(request, pk: int) -> Question:
    if pk not in request.session.get(SESSION_KEY, []):
        raise Http404
    return get_object_or_404(Question, pk=pk)


@login_required
def ask(request):
    form = AskForm(request.POST or None)
    result = None
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                result = services.ask(actor=request.user, question=form.cleaned_data["question"])
            except ValidationError as exc:
                apply_validation_error(form, exc)
                status = 400
            else:
                _remember(request, result.question_id)
                form = AskForm()
        else:
            status = 400
    ctx = {"form": form, "result": result, "section": "services"}
    if getattr(request, "htmx", False) and request.method == "POST":
        if result is None:
            response = render(request, "knowledge/ask.html#error", ctx, status=200)
            response["X-Ask-Error"] = "1"  # the form keeps what was typed
            return response
        # The answer speaks the question's language (an English question gets its answer and labels in English).
        with translation.override("en" if result.lang == "en" else translation.get_language()):
            return render(request, "knowledge/ask.html#answer", ctx)
    if result is not None and result.lang == "en":
        with translation.override("en"):
            return render(request, "knowledge/ask.html", ctx, status=status)
    return render(request, "knowledge/ask.html", ctx, status=status)


@login_required
def handover(request, pk: int):
    question = _own_question(request, pk)
    if question.state not in (QuestionState.OPEN, QuestionState.ANSWERED):
        messages.info(request, _("This question has already been handed over or closed."))
        return redirect("knowledge:ask")
    form = HandoverForm(
        request.POST or None, categories=selectors.handover_categories(), initial={"details": question.text}
    )
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            try:
                case = services.question_handover(
                    actor=request.user,
                    question=question,
                    category=form.cleaned_data["category"],
                    details=form.cleaned_data["details"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("Your question is now a work order. Number: %(n)s") % {"n": case.number})
                return redirect("workorders:case_detail", pk=case.pk)
    return render(
        request, "knowledge/handover.html", {"form": form, "question": question, "section": "services"}, status=status
    )


@require_POST
@login_required
def leave(request, pk: int):
    question = _own_question(request, pk)
    if question.state == QuestionState.OPEN:
        messages.success(request, _("Thank you. Community staff will look at your question and add the answer."))
    return redirect("knowledge:ask")
