"""Staff pages of the knowledge base: documents (upload several files, each reported on its own; withdraw), the
index build with its progress (htmx polling) and a rebuild button, FAQ entries, and the residents' unanswered
questions, each answerable with an FAQ entry (which is indexed) or closed."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from linli.areas.selectors import place_by_code
from linli.core.permissions import Action, may_any
from linli.core.views import ScopedListView, apply_validation_error

from .. import selectors, services
from ..forms import FaqForm, UploadForm
from ..models import Document, Faq, Question
from ..services.library import may_index

SECTION = "management"


class DocumentList(ScopedListView):
    model = Document
    template_name = "knowledge/documents.html"

    def get_queryset(self):
        if not may_any(self.request.user, Document):
            raise PermissionDenied
        return selectors.documents(self.request.user, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            section=SECTION,
            may_add=may_any(user, Document, Action.ADD),
            may_index=may_index(user),
            build=selectors.latest_build(),
        )
        return ctx


documents = DocumentList.as_view()


class FaqList(ScopedListView):
    model = Faq
    template_name = "knowledge/faqs.html"

    def get_queryset(self):
        if not may_any(self.request.user, Faq):
            raise PermissionDenied
        return selectors.faqs(self.request.user, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        ctx.update(section=SECTION, may_add=may_any(self.request.user, Faq, Action.ADD))
        return ctx


faqs = FaqList.as_view()


class QuestionList(ScopedListView):
    model = Question
    template_name = "knowledge/questions.html"

    def get_queryset(self):
        if not may_any(self.request.user, Question):
            raise PermissionDenied
        return selectors.questions(self.request.user, q=self.request.GET.get("q", "").strip()[:60])

    def get_context_data(self, **kwargs):
        ctx = super().get_context_data(**kwargs)
        user = self.request.user
        ctx.update(
            section="workbench",
            may_answer=may_any(user, Faq, Action.ADD),
            may_close=may_any(user, Question, Action.CHANGE),
        )
        return ctx


questions = QuestionList.as_view()


def _place(user, form, action):
    try:
        return place_by_code(user, form.cleaned_data["place"], action, field="place")
    except ValidationError as exc:
        apply_validation_error(form, exc)
        return None


@login_required
def upload(request):
    user = request.user
    if not may_any(user, Document, Action.ADD):
        raise PermissionDenied
    form = UploadForm(request.POST or None, request.FILES or None)
    results = None
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (place := _place(user, form, Action.ADD)) is not None:
            d = form.cleaned_data
            try:
                results = services.upload_documents(
                    actor=user,
                    place=place,
                    files=d["files"],
                    title=d["title"] if len(d["files"]) == 1 else "",
                    issuer=d["issuer"],
                    issued_on=d["issued_on"],
                    valid_from=d["valid_from"],
                    valid_until=d["valid_until"],
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                status = 200 if all(doc for _n, doc, _p in results) else 400
                if status == 200:
                    messages.success(
                        request, _("%(n)s file(s) added; the index is being rebuilt.") % {"n": len(results)}
                    )
                    return redirect("knowledge:documents")
    return render(
        request, "knowledge/upload.html", {"form": form, "results": results, "section": SECTION}, status=status
    )


@login_required
def document_detail(request, pk: int):
    doc = get_object_or_404(selectors.documents(request.user), pk=pk)
    return render(
        request,
        "knowledge/document.html",
        {
            "doc": doc,
            "passages": doc.passages.order_by("position")[:500],
            "may_change": may_any(request.user, Document, Action.CHANGE),
            "section": SECTION,
        },
    )


@require_POST
@login_required
def withdraw(request, pk: int):
    doc = get_object_or_404(selectors.documents(request.user), pk=pk)
    services.document_withdraw(actor=request.user, document=doc)
    messages.success(request, _("The document is withdrawn; the index is being rebuilt."))
    return redirect("knowledge:documents")


@never_cache
@login_required
def index_status(request):
    if not may_any(request.user, Document):
        raise PermissionDenied
    return render(request, "knowledge/documents.html#build", {"build": selectors.latest_build()})


@require_POST
@login_required
def reindex(request):
    services.index_request(actor=request.user)
    messages.success(request, _("The index is being rebuilt."))
    return redirect("knowledge:documents")


@login_required
def faq_add(request):
    user = request.user
    if not may_any(user, Faq, Action.ADD):
        raise PermissionDenied
    from_question = None
    raw = request.GET.get("question", "") or request.POST.get("from_question", "")
    if raw.isdigit():
        from_question = get_object_or_404(selectors.questions(user, state="", action=Action.CHANGE), pk=int(raw))
    initial = {"question": from_question.text[:200]} if from_question else None
    form = FaqForm(request.POST or None, initial=initial)
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid() and (place := _place(user, form, Action.ADD)) is not None:
            d = form.cleaned_data
            try:
                services.faq_create(
                    actor=user,
                    place=place,
                    question=d["question"],
                    answer=d["answer"],
                    valid_from=d["valid_from"],
                    valid_until=d["valid_until"],
                    from_question=from_question,
                )
            except ValidationError as exc:
                apply_validation_error(form, exc)
            else:
                messages.success(request, _("The FAQ entry is saved; the index is being rebuilt."))
                return redirect("knowledge:questions" if from_question else "knowledge:faqs")
    return render(
        request,
        "knowledge/faq_form.html",
        {"form": form, "from_question": from_question, "section": SECTION},
        status=status,
    )


@require_POST
@login_required
def question_close(request, pk: int):
    question = get_object_or_404(selectors.questions(request.user, state="", action=Action.CHANGE), pk=pk)
    try:
        services.question_close(actor=request.user, question=question)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("The question is closed."))
    return redirect("knowledge:questions")
