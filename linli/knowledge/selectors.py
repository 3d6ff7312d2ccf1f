"""Reads of the knowledge base: staff lists through ``restrict``, the index in use (the newest finished build,
loaded once per process and swapped when a newer one finishes), and the places an asker sees passages from."""

from __future__ import annotations

import threading

from django.db.models import Q

from linli.core.permissions import Action, bindings_for, restrict

from .engine.retrieval import Index
from .models import Document, Faq, IndexBuild, IndexState, Question, QuestionState

_lock = threading.Lock()
_loaded: dict[str, object] = {"key": None, "index": None}


def current_index() -> Index | None:
    """The index of the newest finished build (one small query; the bytes are loaded only when it changes)."""
    key = (
        IndexBuild.objects.filter(state=IndexState.DONE, data__isnull=False)
        .order_by("-pk")
        .values_list("pk", "key")
        .first()
    )
    if key is None:
        return None
    if _loaded["key"] != key:
        with _lock:
            if _loaded["key"] != key:
                data = IndexBuild.objects.filter(pk=key[0]).values_list("data", flat=True).first()
                _loaded["index"] = Index.load(bytes(data))
                _loaded["key"] = key
    return _loaded["index"]


def latest_build() -> IndexBuild | None:
    return IndexBuild.objects.defer("data").order_by("-pk").first()


def asker_paths(user) -> tuple[str, ...]:
    """Where the asker stands: a resident's house, a staff member's places, else where the account was made.
    A passage is visible when it belongs to one of these places or to a place above one (the district's texts
    are seen everywhere, a community's only in it)."""
    paths = set()
    for b in bindings_for(user):
        paths.update(b.place_prefixes())
    if not paths and getattr(user, "scope_path", ""):
        paths.add(user.scope_path)
    return tuple(sorted(paths))


def documents(user, *, q: str = "", action: str = Action.VIEW):
    qs = restrict(Document.objects.filter(is_active=True), user, action).select_related("place")
    if q:
        qs = qs.filter(Q(title__icontains=q) | Q(issuer__icontains=q))
    return qs.order_by("-issued_on", "-pk")


def faqs(user, *, q: str = ""):
    qs = restrict(Faq.objects.filter(is_active=True), user).select_related("place")
    if q:
        qs = qs.filter(Q(question__icontains=q) | Q(answer__icontains=q))
    return qs.order_by("-created_at", "-pk")


def questions(user, *, state: str = QuestionState.OPEN, q: str = "", action: str = Action.VIEW):
    qs = restrict(Question.objects.all(), user, action)
    if state:
        qs = qs.filter(state=state)
    if q:
        qs = qs.filter(text__icontains=q)
    return qs.order_by("-created_at", "-pk")


def handover_categories():
    """The work-order categories a resident may choose when handing a question over (the public ones)."""
    from linli.workorders.models import Category

    return Category.objects.filter(is_active=True, is_public=True).order_by("parent_id", "code")
