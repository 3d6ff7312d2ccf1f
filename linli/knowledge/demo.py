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


#: what the demo resident asked: some answered from the texts, some waiting for staff (the unanswered list)
ASKED = ("高龄津贴每月多少钱", "电瓶车能在楼道充电吗", "小区门口的路灯坏了归谁管", "社区有没有免费的法律咨询")


def seed(ctx) -> list[str]:
    from . import services

    docs = load(ctx.admin, ctx.district, ctx.communities, today=ctx.today)
    build_now(ctx.admin)
    resident = ctx.users.get("resident")
    asked = [services.ask(actor=resident, question=q) for q in ASKED] if resident is not None else []
    return [
        f"knowledge: {len(docs)} documents, {sum(d.passage_count for d in docs)} passages, "
        f"{sum(1 for a in asked if not a.confident)} questions waiting for staff"
    ]
