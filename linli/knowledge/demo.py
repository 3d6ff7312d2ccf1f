"""Demo knowledge base: the policy texts the project wrote itself (``corpus/*.md``, each with a small header),
added through the same upload service as staff files, and the index built at once."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.files.base import ContentFile

CORPUS = Path(__file__).resolve().parent / "corpus"


def corpus_files() -> list[Path]:
    return sorted(CORPUS.glob("*.md"))


def header(raw: str) -> tuple[dict, str]:
    """``key: value`` lines up to the first blank line, then the Markdown text."""
    meta, _sep, body = raw.partition("\n\n")
    fields = dict(line.split(":", 1) for line in meta.splitlines() if ":" in line)
    return {k.strip(): v.strip() for k, v in fields.items()}, body


def load(actor, district, communities, *, today: dt.date) -> list:
    from . import services

    docs = []
    for path in corpus_files():
        meta, body = header(path.read_text(encoding="utf-8"))
        scope = meta.get("scope", "district")
        place = communities[0] if scope == "community" and communities else district
        issued = dt.date.fromisoformat(meta["date"]) if meta.get("date") else today
        until = dt.date.fromisoformat(meta["until"]) if meta.get("until") else None
        upload = ContentFile(body.encode("utf-8"), name=path.name)
        docs.append(
            services.document_add(
                actor=actor,
                place=place,
                upload=upload,
                title=meta.get("title", ""),
                issuer=meta.get("issuer", ""),
                issued_on=min(issued, today),
                valid_until=until,
                reindex=False,
            )
        )
    return docs


def build_now(actor):
    """Request a build and run it here (the demo and the evaluation do not wait for a worker)."""
    from django.db import transaction

    from .services.library import index_request, index_run

    with transaction.atomic():
        build = index_request(actor=actor)
    return index_run(build.pk) if build else None


def seed(ctx) -> list[str]:
    docs = load(ctx.admin, ctx.district, ctx.communities, today=ctx.today)
    build_now(ctx.admin)
    return [f"knowledge: {len(docs)} documents, {sum(d.passage_count for d in docs)} passages"]
