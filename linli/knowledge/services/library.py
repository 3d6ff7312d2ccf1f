"""Writing the knowledge base: documents (each file read, split and stored with its passages in one transaction,
or not at all), FAQ entries (also from a resident's unanswered question), withdrawing, and the index build that a
background task runs (progress on the build row; the new index is used only once it is complete)."""

from __future__ import annotations

import datetime as dt
import logging
import uuid

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, dates
from linli.core.permissions import Action, require, require_at
from linli.core.services import save_audited
from linli.core.validators import strip_control_chars

from ..engine import parsing, retrieval, text
from ..models import Document, Faq, IndexBuild, IndexState, Passage, Question, QuestionState

log = logging.getLogger(__name__)
PROGRESS_EVERY = 500


def _check_dates(issued_on, valid_from, valid_until) -> None:
    if valid_from and valid_until and valid_until < valid_from:
        raise ValidationError({"valid_until": _("The end of validity comes before its start.")})
    if issued_on is None:
        raise ValidationError({"issued_on": _("Give the date of the text.")})


def _passages(owner, found, *, source: str, dated: dt.date) -> list[Passage]:
    rows = []
    for i, (heading, body) in enumerate(parsing.passages(found)):
        rows.append(
            Passage(
                document=owner if isinstance(owner, Document) else None,
                faq=owner if isinstance(owner, Faq) else None,
                scope_path=owner.scope_path,
                position=i,
                source=source[:200],
                heading=heading[:200],
                text=body,
                dated=dated,
                lang=text.language(f"{heading} {body}"),
                valid_from=owner.valid_from,
                valid_until=owner.valid_until,
            )
        )
    return rows


@transaction.atomic
def document_add(
    *,
    actor,
    place,
    upload,
    title: str = "",
    issuer: str = "",
    issued_on: dt.date | None = None,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    reindex: bool = True,
) -> Document:
    """One file into the knowledge base: read, split into passages, stored — all or nothing."""
    require_at(actor, Action.ADD, Document, place.path)
    _check_dates(issued_on, valid_from, valid_until)
    name = strip_control_chars(getattr(upload, "name", "") or "document")[-200:]
    kind, found = parsing.read(upload, name)
    title = strip_control_chars(title or "").strip() or next((h for h, _b in found if h), "") or name
    doc = Document(
        place=place,
        scope_path=place.path,
        title=title[:200],
        issuer=strip_control_chars(issuer or "").strip()[:100],
        issued_on=issued_on,
        valid_from=valid_from,
        valid_until=valid_until,
        kind=kind,
        original_name=name,
    )
    rows = _passages(doc, found, source=doc.title, dated=issued_on)
    doc.passage_count = len(rows)
    save_audited(actor=actor, obj=doc, action="create", note=f"{len(rows)} passages")
    for row in rows:
        row.document = doc
    Passage.objects.bulk_create(rows)
    if reindex:
        index_request(actor=actor)
    return doc


def upload_documents(*, actor, place, files, **meta) -> list[tuple[str, Document | None, str]]:
    """Several files: each one is added or refused on its own; (file name, document or None, problem)."""
    results = []
    added = False
    for upload in files:
        name = getattr(upload, "name", "") or "document"
        try:
            doc = document_add(actor=actor, place=place, upload=upload, reindex=False, **meta)
        except ValidationError as exc:
            results.append((name, None, " ".join(exc.messages)))
        else:
            added = True
            results.append((name, doc, ""))
    if added:
        index_request(actor=actor)
    return results


@transaction.atomic
def document_withdraw(*, actor, document: Document) -> Document:
    document = Document.objects.select_for_update().get(pk=document.pk)
    require(actor, Action.CHANGE, document)
    before = audit.snapshot(document)
    document.is_active = False
    save_audited(actor=actor, obj=document, action="knowledge_withdraw", before=before)
    Passage.objects.filter(document=document).delete()
    index_request(actor=actor)
    return document


@transaction.atomic
def faq_create(
    *,
    actor,
    place,
    question: str,
    answer: str,
    valid_from: dt.date | None = None,
    valid_until: dt.date | None = None,
    from_question: Question | None = None,
) -> Faq:
    require_at(actor, Action.ADD, Faq, place.path)
    question = text.normalise(strip_control_chars(question or ""))
    answer = strip_control_chars(answer or "").strip()
    if not question:
        raise ValidationError({"question": _("Write the question.")})
    if not answer:
        raise ValidationError({"answer": _("Write the answer.")})
    faq = Faq(place=place, scope_path=place.path, question=question[:200], answer=answer, valid_from=valid_from)
    faq.valid_until = valid_until
    if from_question is not None:
        from_question = Question.objects.select_for_update().get(pk=from_question.pk)
        require(actor, Action.CHANGE, from_question)
        faq.from_question = from_question
    save_audited(actor=actor, obj=faq, action="create")
    Passage.objects.bulk_create(
        _passages(faq, [(faq.question, faq.answer)], source=_("Frequently asked questions"), dated=dates.today())
    )
    if from_question is not None and from_question.state != QuestionState.FAQ:
        before = audit.snapshot(from_question)
        from_question.state = QuestionState.FAQ
        save_audited(actor=actor, obj=from_question, action="knowledge_faq_added", before=before)
    index_request(actor=actor)
    return faq


# -- the index ---------------------------------------------------------------------------------------------


def may_index(actor) -> bool:
    from linli.core.permissions import may_any

    return actor is None or getattr(actor, "is_superuser", False) or may_any(actor, Document, Action.CHANGE)


@transaction.atomic
def index_request(*, actor) -> IndexBuild:
    """Ask for a new build (one waiting build at a time: a second request joins it); the task runs after commit."""
    if not may_index(actor):
        raise PermissionDenied(_("You may not rebuild the knowledge index."))
    waiting = IndexBuild.objects.select_for_update().filter(state=IndexState.PENDING).first()
    if waiting is not None:
        return waiting
    user = actor if getattr(actor, "is_authenticated", False) else None
    build = IndexBuild.objects.create(requested_by=user)
    audit.record(actor=actor, action="knowledge_reindex", obj=build, after=audit.snapshot(build))

    def start():
        from .. import tasks

        tasks.build_index.enqueue(build.pk)

    transaction.on_commit(start)
    return build


def index_run(build_id: int) -> str:
    """Build the index from every passage (the background task): tokens, BM25, packed into the row."""
    claimed = IndexBuild.objects.filter(pk=build_id, state=IndexState.PENDING).update(
        state=IndexState.RUNNING, started_at=timezone.now(), total=Passage.objects.count()
    )
    if not claimed:
        return "skipped"
    try:
        entries, tokens = [], []
        qs = Passage.objects.filter(models_q_active()).values_list(
            "pk", "scope_path", "valid_from", "valid_until", "lang", "source", "heading", "text"
        )
        for n, (pk, path, vf, vu, lang, source, heading, body) in enumerate(qs.order_by("pk").iterator(2000), 1):
            entries.append(retrieval.Entry(pk, path, vf.isoformat() if vf else "", vu.isoformat() if vu else "", lang))
            tokens.append(text.passage_tokens(source, heading, body))
            if n % PROGRESS_EVERY == 0:
                IndexBuild.objects.filter(pk=build_id).update(done=n)
        data = retrieval.build(entries, tokens)
        IndexBuild.objects.filter(pk=build_id).update(
            state=IndexState.DONE,
            data=data,
            done=len(entries),
            total=len(entries),
            finished_at=timezone.now(),
            key=uuid.uuid4(),
        )
        # Older builds are no longer used: keep the newest few.
        old = IndexBuild.objects.filter(state=IndexState.DONE).order_by("-pk").values_list("pk", flat=True)[3:]
        IndexBuild.objects.filter(pk__in=list(old)).update(data=None)
        return IndexState.DONE
    except Exception:
        log.exception("knowledge index build %s failed", build_id)
        IndexBuild.objects.filter(pk=build_id).update(
            state=IndexState.FAILED, error="internal_error", finished_at=timezone.now()
        )
        return IndexState.FAILED


def models_q_active():
    from django.db.models import Q

    return Q(document__is_active=True) | Q(faq__is_active=True)
