"""Likely duplicates: the same place or a building of the same compound, similar words, a few days apart.

``score`` is one number in [0, 1]; a pair at or above ``THRESHOLD`` is shown as a likely duplicate. The weights and
the threshold were set by reasoning before the labelled pairs were written, not fitted to them.
"""

from __future__ import annotations

from functools import lru_cache

from .text import char_ngrams, words

THRESHOLD = 0.35
WINDOW_DAYS = 14
#: words that say nothing about the matter itself
FILLER = frozenset(
    {"小区", "我们", "这个", "那个", "已经", "一直", "还是", "没有", "社区", "请", "一下", "希望", "尽快", "处理"}
)


def _dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


@lru_cache(maxsize=20000)
def features(text: str) -> tuple[frozenset, frozenset]:
    """What the similarity compares: the meaningful jieba words and the character bigrams (kept per process for
    the texts of recent cases, which are compared again with every new report of their compound)."""
    return frozenset(w for w in words(text) if len(w) > 1 and w not in FILLER), frozenset(char_ngrams(text))


def text_similarity(a: str, b: str) -> float:
    return _similarity(features(a), features(b))


def _similarity(fa: tuple[set, set], fb: tuple[set, set]) -> float:
    return 0.5 * _dice(fa[0], fb[0]) + 0.5 * _dice(fa[1], fb[1])


def place_factor(same_building: bool, same_compound: bool) -> float:
    return 1.0 if same_building else 0.8 if same_compound else 0.0


def time_factor(days_apart: float) -> float:
    days = abs(days_apart)
    if days <= 3:
        return 1.0
    if days > WINDOW_DAYS:
        return 0.0
    return 1.0 - 0.5 * (days - 3) / (WINDOW_DAYS - 3)


def score(a: str, b: str, *, same_building: bool, same_compound: bool, days_apart: float, same_category: bool) -> float:
    return score_features(
        features(a),
        features(b),
        same_building=same_building,
        same_compound=same_compound,
        days_apart=days_apart,
        same_category=same_category,
    )


def score_features(
    fa: tuple, fb: tuple, *, same_building: bool, same_compound: bool, days_apart: float, same_category: bool
) -> float:
    place = place_factor(same_building, same_compound)
    when = time_factor(days_apart)
    if place == 0 or when == 0:
        return 0.0
    return round((0.6 * _similarity(fa, fb) + 0.4 * float(same_category)) * place * when, 4)
