"""The BM25 index (bm25s over our own token lists) and the confidence of an answer.

An index is built from passages already tokenised (``text.tokenize``), packed into bytes (bm25s' own files in a
zip, with each passage's id, place path, validity and language beside them) so that it can be stored in the
database and loaded by every app process; ``Index.search`` scores the question's tokens against the passages the
asker may see today and returns the best ones with a confidence in [0, 1]:

    confidence = Σ w(t) for the question's words found in the best passage / Σ w(t) for all its words

with w(t) the word's idf (a word the knowledge base has never seen counts three quarters of the highest idf, so a
question about something the base does not cover scores low even when a common word matches; a single character
counts less). The threshold below which the assistant says it is
unsure is calibrated on the evaluation set (``manage.py knowledge_evaluate``; docs/domains/knowledge.md).
"""

from __future__ import annotations

import io
import json
import logging
import math
import tempfile
import zipfile
from dataclasses import dataclass
from pathlib import Path

import numpy as np

FORMAT = 1
UNKNOWN_WEIGHT = 0.75
SINGLE_WEIGHT = 0.6
logging.getLogger("bm25s").setLevel(logging.WARNING)


@dataclass(frozen=True)
class Entry:
    """What the index keeps of a passage besides its tokens: enough to filter without the database."""

    id: int
    path: str  # the owner place's path ("" would be everywhere; district-wide documents carry the district's path)
    valid_from: str  # ISO dates; "" for open
    valid_until: str
    lang: str


@dataclass(frozen=True)
class Hit:
    id: int
    score: float
    confidence: float


def build(entries: list[Entry], tokens: list[list[str]]) -> bytes:
    """The packed index of ``entries`` (same order as ``tokens``)."""
    import bm25s

    retriever = bm25s.BM25()
    # An empty token list would make bm25s drop the document's position: keep every row with a placeholder.
    retriever.index([t or ["\u0000"] for t in tokens] or [["\u0000"]], show_progress=False)
    buf = io.BytesIO()
    with tempfile.TemporaryDirectory() as tmp:
        retriever.save(tmp)
        with zipfile.ZipFile(buf, "w", zipfile.ZIP_DEFLATED) as zf:
            for f in Path(tmp).iterdir():
                zf.write(f, f"bm25/{f.name}")
            meta = {"format": FORMAT, "entries": [[e.id, e.path, e.valid_from, e.valid_until, e.lang] for e in entries]}
            zf.writestr("entries.json", json.dumps(meta, ensure_ascii=False))
    return buf.getvalue()


class Index:
    def __init__(self, retriever, entries: list[Entry]):
        self.retriever = retriever
        self.entries = entries
        self.ids = np.array([e.id for e in entries], dtype=np.int64)
        indptr = np.asarray(retriever.scores["indptr"])
        self.df = np.diff(indptr)
        self.indptr = indptr
        self.indices = np.asarray(retriever.scores["indices"])
        n = max(len(entries), 1)
        self.max_idf = math.log(1 + (n + 0.5) / 0.5)
        self.n = n
        self._paths = np.array([e.path for e in entries], dtype=object)
        self._from = np.array([e.valid_from or "0000-00-00" for e in entries], dtype=object)
        self._until = np.array([e.valid_until or "9999-99-99" for e in entries], dtype=object)
        self._lang = np.array([e.lang for e in entries], dtype=object)
        self._mask_cache: dict[tuple, np.ndarray] = {}

    @classmethod
    def load(cls, data: bytes) -> Index:
        import bm25s

        with tempfile.TemporaryDirectory() as tmp, zipfile.ZipFile(io.BytesIO(data)) as zf:
            meta = json.loads(zf.read("entries.json"))
            for name in zf.namelist():
                if name.startswith("bm25/") and "/" not in name[5:] and ".." not in name:
                    (Path(tmp) / name[5:]).write_bytes(zf.read(name))
            retriever = bm25s.BM25.load(tmp, load_corpus=False)
        return cls(retriever, [Entry(*row) for row in meta["entries"]])

    def __len__(self) -> int:
        return len(self.entries)

    def idf(self, token: str) -> float:
        tid = self.retriever.vocab_dict.get(token)
        if tid is None:
            return self.max_idf
        df = int(self.df[tid])
        return math.log(1 + (self.n - df + 0.5) / (df + 0.5))

    def contains(self, token: str, row: int) -> bool:
        tid = self.retriever.vocab_dict.get(token)
        if tid is None:
            return False
        col = self.indices[self.indptr[tid] : self.indptr[tid + 1]]
        pos = np.searchsorted(col, row)
        return bool(pos < len(col) and col[pos] == row)

    def mask(self, *, paths: tuple[str, ...], day: str, lang: str) -> np.ndarray:
        """The passages visible from ``paths`` (owned by one of them or an ancestor of one), valid on ``day``,
        in ``lang`` ("" for any language)."""
        key = (paths, day, lang)
        cached = self._mask_cache.get(key)
        if cached is not None:
            return cached
        visible = np.array(
            [any(p.startswith(own) for p in paths) for own in self._paths] if len(self.entries) else [], dtype=bool
        )
        valid = (self._from <= day) & (self._until >= day)
        m = visible & valid.astype(bool)
        if lang:
            m &= self._lang == lang
        if len(self._mask_cache) > 256:
            self._mask_cache.clear()
        self._mask_cache[key] = m
        return m

    def weight(self, token: str) -> float:
        """A word's weight in the confidence: its idf; a word the base never saw counts ``UNKNOWN_WEIGHT`` of the
        highest idf, a single character ``SINGLE_WEIGHT`` of its own (both chosen on the evaluation set)."""
        w = self.idf(token) if token in self.retriever.vocab_dict else UNKNOWN_WEIGHT * self.max_idf
        return w * SINGLE_WEIGHT if len(token) == 1 else w

    def confidence(self, tokens: list[str], row: int) -> float:
        words = list(dict.fromkeys(tokens))
        total = sum(self.weight(t) for t in words)
        if total <= 0:
            return 0.0
        found = sum(self.weight(t) for t in words if self.contains(t, row))
        return found / total

    def search(self, tokens: list[str], mask: np.ndarray | None = None, k: int = 3) -> list[Hit]:
        """The ``k`` best passages for ``tokens`` among those ``mask`` allows, best first."""
        if not tokens or not self.entries:
            return []
        known = [t for t in tokens if t in self.retriever.vocab_dict]
        if not known:
            return []
        scores = self.retriever.get_scores(known)
        if mask is not None:
            scores = np.where(mask, scores, 0.0)
        k = min(k, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        return [Hit(int(self.ids[i]), float(scores[i]), self.confidence(tokens, int(i))) for i in top if scores[i] > 0]
