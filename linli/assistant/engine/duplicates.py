"""Likely duplicates: the same place or a building of the same compound, similar words, a few days apart.

``score`` is one number in [0, 1]; a pair at or above ``THRESHOLD`` is shown as a likely duplicate. The weights and
the threshold were set by reasoning before the labelled pairs were written, not fitted to them.
"""

from __future__ import annotations

from .text import char_ngrams, words

THRESHOLD = 0.35
WINDOW_DAYS = 14
#: words that say nothing about the matter itself
FILLER = frozenset(
    {"小区", "我们", "这个", "那个", "已经", "一直", "还是", "没有", "社区", "请", "一下", "希望", "尽快", "处理"}
)


def _dice(a: set, b: set) -> float:
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


def text_similarity(a: str, b: str) -> float:
    wa = {w for w in words(a) if len(w) > 1 and w not in FILLER}
    wb = {w for w in words(b) if len(w) > 1 and w not in FILLER}
    return 0.5 * _dice(wa, wb) + 0.5 * _dice(char_ngrams(a), char_ngrams(b))


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
    place = place_factor(same_building, same_compound)
    when = time_factor(days_apart)
    if place == 0 or when == 0:
        return 0.0
    return round((0.6 * text_similarity(a, b) + 0.4 * float(same_category)) * place * when, 4)
