"""The evaluation of 智能回应 (``manage.py knowledge_evaluate``): resident questions written by the team apart from
the texts (``questions.tsv``: the file and section that answer each) and questions the knowledge base does not
cover (``out_of_scope.txt``).

The demo corpus is read, split and tokenised by the same functions as the upload service and the index task, and
each question is answered by the same ``Index.search`` and confidence as the service (filtered to the question's
language, as the service does). Reported: hit@1 and hit@3 (the answering section among the best one or three
passages), the share of in-scope questions answered confidently, and the share of out-of-scope questions
answered "unsure" — at the service's threshold and over a sweep, which is how the threshold was chosen."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from django.core.files.base import ContentFile

from ..demo import corpus_files, header
from ..engine import parsing, retrieval, text

HERE = Path(__file__).resolve().parent


@dataclass
class Result:
    n_questions: int
    n_out: int
    hit1: float
    hit3: float
    answered: float  # in-scope questions answered confidently
    unsure_out: float  # out-of-scope questions answered "unsure"
    answered_right: float  # of the in-scope questions answered confidently: the answering section in the top 3
    threshold: float
    misses: list


def questions() -> list[tuple[str, str, str]]:
    rows = []
    for line in (HERE / "questions.tsv").read_text(encoding="utf-8").splitlines():
        if line.strip() and not line.startswith("#"):
            file, heading, question = line.split("\t")
            rows.append((file, heading, question))
    return rows


def out_of_scope() -> list[str]:
    lines = (HERE / "out_of_scope.txt").read_text(encoding="utf-8").splitlines()
    return [q.strip() for q in lines if q.strip() and not q.startswith("#")]


def corpus_index() -> tuple[retrieval.Index, list[tuple[str, str]]]:
    """The demo corpus indexed in memory; beside it, each passage's (file, heading)."""
    entries, tokens, keys = [], [], []
    for path in corpus_files():
        meta, body = header(path.read_text(encoding="utf-8"))
        _kind, found = parsing.read(ContentFile(body.encode(), name=path.name), path.name)
        title = meta.get("title") or path.name
        for heading, piece in parsing.passages(found):
            i = len(entries)
            entries.append(retrieval.Entry(i, "", "", "", text.language(f"{heading} {piece}")))
            tokens.append(text.passage_tokens(title, heading, piece))
            keys.append((path.name, heading))
    return retrieval.Index.load(retrieval.build(entries, tokens)), keys


def run(threshold: float | None = None, index=None) -> tuple[Result, list]:
    from ..services.answers import THRESHOLD, TOP_K

    threshold = THRESHOLD if threshold is None else threshold
    index, keys = index or corpus_index()
    masks = {lang: index.mask(paths=("",), day="2026-06-01", lang=lang) for lang in ("zh", "en")}
    scored_in, misses = [], []
    for file, heading, question in questions():
        hits = index.search(text.tokenize(question), masks[text.language(question)], k=TOP_K)
        found = [keys[h.id] for h in hits]
        rank = found.index((file, heading)) + 1 if (file, heading) in found else 0
        conf = hits[0].confidence if hits else 0.0
        scored_in.append((rank, conf))
        if rank != 1:
            misses.append((question, f"{file} {heading}", found[:1], rank))
    scored_out = []
    for question in out_of_scope():
        hits = index.search(text.tokenize(question), masks[text.language(question)], k=TOP_K)
        scored_out.append(hits[0].confidence if hits else 0.0)
    n, m = len(scored_in), len(scored_out)
    result = Result(
        n_questions=n,
        n_out=m,
        hit1=sum(1 for r, _c in scored_in if r == 1) / n,
        hit3=sum(1 for r, _c in scored_in if r) / n,
        answered=sum(1 for _r, c in scored_in if c >= threshold) / n,
        unsure_out=sum(1 for c in scored_out if c < threshold) / m,
        answered_right=sum(1 for r, c in scored_in if r and c >= threshold)
        / max(1, sum(1 for _r, c in scored_in if c >= threshold)),
        threshold=threshold,
        misses=misses,
    )
    sweep = [
        (t / 100, sum(1 for _r, c in scored_in if c >= t / 100) / n, sum(1 for c in scored_out if c < t / 100) / m)
        for t in range(30, 95, 5)
    ]
    return result, sweep
