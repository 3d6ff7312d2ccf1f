"""The urgency flag: words that mean someone may be in danger now (电梯困人, 燃气味, 着火/冒烟, 老人摔倒 …).

A flagged report is shown first with the advice to call 110/119/120 where it is an emergency (domain rules §4:
emergencies go to 110/119/120/122 and are handled the same day)."""

from __future__ import annotations

import re

from django.utils.translation import gettext_lazy as _

from .text import normalise

URGENT = [
    ("trapped", _("Someone trapped in a lift"), r"(困|关|卡)(在)?(了)?电梯|电梯(里)?(困|关|卡)(住|人)|被困"),
    (
        "gas",
        _("Gas smell or leak"),
        r"燃气味|煤气味|天然气味|液化气味|漏气|燃气泄漏|煤气泄漏|闻到(一股)?(燃气|煤气|天然气)",
    ),
    ("fire", _("Fire or smoke"), r"着火|起火|失火|冒烟|冒黑烟|火灾(?!隐患)|烧起来|明火|烧着了"),
    (
        "fall",
        _("Someone fallen or unwell"),
        r"(老人|老太|老头|大爷|大妈|奶奶|爷爷|人)[^，。,.]{0,4}(摔倒|跌倒|晕倒|昏倒|倒地)|摔倒在|倒地不起|昏迷",
    ),
    ("electric", _("Electric shock or sparking"), r"触电|漏电|电线(起火|冒火花|打火)|冒火花"),
    ("flood", _("Flooding indoors or burst pipe"), r"爆管|水管爆|水漫|淹了|倒灌"),
    ("falling", _("Something about to fall"), r"高空坠物|要掉下来|摇摇欲坠|坠落|外墙(皮)?脱落"),
]
_COMPILED = [(code, label, re.compile(pattern)) for code, label, pattern in URGENT]


def flags(text: str) -> list[dict]:
    """[{code, label, words}] for each kind of danger the text mentions."""
    norm = normalise(text)
    found = []
    for code, label, pattern in _COMPILED:
        hits = sorted({m.group(0) for m in pattern.finditer(norm)})
        if hits:
            found.append({"code": code, "label": str(label), "words": hits})
    return found
