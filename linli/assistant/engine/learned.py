"""The learned router: char 1–3-gram TF-IDF and jieba-word TF-IDF, one linear model (scikit-learn).

A :class:`Router` is what a model version stores (pickled, compressed); it knows its category codes, the
organisation most often given the lead for each category in the history it learned from, and how to say which
words decided a suggestion.
"""

from __future__ import annotations

import pickle
import zlib
from collections import Counter, defaultdict
from dataclasses import dataclass, field

import numpy as np
import scipy.sparse as sp

from .text import normalise, words


def _words(text: str) -> list[str]:
    return words(text)


def _make_vectorizers():
    from sklearn.feature_extraction.text import TfidfVectorizer

    chars = TfidfVectorizer(
        analyzer="char", ngram_range=(1, 3), min_df=2, sublinear_tf=True, preprocessor=normalise, max_features=200000
    )
    words_ = TfidfVectorizer(analyzer=_words, min_df=2, sublinear_tf=True, max_features=100000)
    return chars, words_


@dataclass
class Router:
    chars: object
    words: object
    model: object
    org_by_category: dict = field(default_factory=dict)

    @property
    def classes(self) -> list[str]:
        return [str(c) for c in self.model.classes_]

    def _features(self, texts: list[str]):
        return sp.hstack([self.chars.transform(texts), self.words.transform(texts)], format="csr")

    def proba(self, texts: list[str]) -> np.ndarray:
        return self.model.predict_proba(self._features(texts))

    def rank(self, text: str, k: int = 4, explain: int = 4) -> list[tuple[str, float, list[str]]]:
        """[(code, probability, deciding words)] best first, ``k`` of them; words for the first ``explain``."""
        x = self._features([text])
        p = self.model.predict_proba(x)[0]
        order = np.argsort(-p)[:k]
        return [(self.classes[i], float(p[i]), self._reasons(x, i) if n < explain else []) for n, i in enumerate(order)]

    def _reasons(self, x, class_index: int, n: int = 5) -> list[str]:
        coef = self.model.coef_[class_index] if self.model.coef_.shape[0] > 1 else self.model.coef_[0]
        row = x.tocoo()
        contrib = sorted(
            ((float(v * coef[j]), int(j)) for j, v in zip(row.col, row.data, strict=True) if v * coef[j] > 0),
            reverse=True,
        )
        names = self._names()
        n_chars = len(self.chars.vocabulary_)
        # jieba words first (they read as words); character grams only when the words say too little
        contrib = [c for c in contrib if c[1] >= n_chars] + [c for c in contrib if c[1] < n_chars and c[0] > 0.5]
        out: list[str] = []
        for _, j in contrib:
            name = names[j]
            if len(name) < 2 or not name.isalnum() or any(name in o or o in name for o in out):
                continue
            out.append(name)
            if len(out) == n:
                break
        return out

    def _names(self) -> list[str]:
        names = self.__dict__.get("_names_cache")
        if names is None:
            names = [str(n).strip() for n in self.chars.get_feature_names_out()]
            names += [str(n) for n in self.words.get_feature_names_out()]
            self.__dict__["_names_cache"] = names
        return names

    def __getstate__(self):
        state = dict(self.__dict__)
        state.pop("_names_cache", None)
        return state

    def dumps(self) -> bytes:
        return zlib.compress(pickle.dumps(self, protocol=pickle.HIGHEST_PROTOCOL), 6)

    @staticmethod
    def loads(blob: bytes) -> Router:
        return pickle.loads(zlib.decompress(bytes(blob)))  # noqa: S301 — only our own training writes these blobs


def train(texts: list[str], labels: list[str], orgs: list | None = None, *, c: float = 8.0) -> Router:
    from sklearn.linear_model import LogisticRegression

    chars, words_ = _make_vectorizers()
    x = sp.hstack([chars.fit_transform(texts), words_.fit_transform(texts)], format="csr")
    model = LogisticRegression(C=c, max_iter=300, solver="lbfgs")
    model.fit(x, labels)
    by_cat: dict[str, Counter] = defaultdict(Counter)
    for label, org in zip(labels, orgs or [None] * len(labels), strict=True):
        if org not in (None, ""):
            by_cat[label][org] += 1
    return Router(chars, words_, model, {k: v.most_common(1)[0][0] for k, v in by_cat.items()})


def held_out(n: int, share: int = 5) -> tuple[list[int], list[int]]:
    """Indexes for training and for the held-out slice (every ``share``-th after a fixed shuffle)."""
    rng = np.random.default_rng(20261207)
    order = rng.permutation(n)
    test = sorted(int(i) for i in order[::share])
    keep = set(test)
    return [i for i in range(n) if i not in keep], test


def score(ranked: list[list[str]], gold: list[str], labels: list[str] | None = None) -> dict:
    """top-1 / top-3 accuracy and the confusion matrix (gold rows × suggested columns) of ranked suggestions."""
    n = len(gold) or 1
    top1 = sum(1 for r, g in zip(ranked, gold, strict=True) if r and r[0] == g)
    top3 = sum(1 for r, g in zip(ranked, gold, strict=True) if g in r[:3])
    labels = labels or sorted(set(gold) | {r[0] for r in ranked if r})
    index = {c: i for i, c in enumerate(labels)}
    matrix = [[0] * len(labels) for _ in labels]
    for r, g in zip(ranked, gold, strict=True):
        if r and g in index and r[0] in index:
            matrix[index[g]][index[r[0]]] += 1
    return {
        "n": len(gold),
        "top1": round(top1 / n, 4),
        "top3": round(top3 / n, 4),
        "labels": labels,
        "confusion": matrix,
    }
