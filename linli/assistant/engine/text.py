"""Text in: cleaning, the input limits, and the tokens the rules and the models read.

Tokens are jieba words over a user dictionary of community words (吹哨报到, 网格员, 电瓶车, 飞线充电 …) kept in
``userdict.txt``; a private ``jieba.Tokenizer`` so another app's dictionary never changes ours.
"""

from __future__ import annotations

import re
import threading
import unicodedata
from pathlib import Path

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

#: longer texts are refused (a report is a few sentences; Open311 caps description at 4,000 characters)
MAX_CHARS = 2000
USERDICT = Path(__file__).with_name("userdict.txt")

_SCRIPT = re.compile(r"<\s*/?\s*(script|iframe|object|embed|style|svg)\b|javascript:|on\w+\s*=", re.IGNORECASE)
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffd]")
_SPACE = re.compile(r"\s+")
_lock = threading.Lock()
_tokenizer = None


def check_text(text) -> str:
    """The report text, stripped, or a ValidationError on ``text``: empty, too long, binary or script-laden."""
    if not isinstance(text, str):
        raise ValidationError({"text": _("Write the report as text.")})
    text = text.strip()
    if not text:
        raise ValidationError({"text": _("Write what happened.")})
    if len(text) > MAX_CHARS:
        raise ValidationError({"text": _("The text is too long: at most %(n)d characters.") % {"n": MAX_CHARS}})
    if _CONTROL.search(text):
        raise ValidationError({"text": _("The text contains binary data; paste plain text.")})
    if _SCRIPT.search(text):
        raise ValidationError({"text": _("The text contains script or markup; write plain text.")})
    letters = sum(1 for ch in text if ch.isalnum())
    if letters == 0:
        raise ValidationError({"text": _("Write what happened in words.")})
    return text


def clean_stored(text: str) -> str:
    """Text already stored elsewhere (a case's description): never refused, only cleaned — control characters and
    markup removed, cut to MAX_CHARS."""
    text = _CONTROL.sub(" ", str(text or ""))
    text = re.sub(r"<[^>]{0,200}>", " ", text)
    text = _SCRIPT.sub(" ", text)
    return _SPACE.sub(" ", text).strip()[:MAX_CHARS]


def normalise(text: str) -> str:
    """Full-width to half-width, lower case, one space between runs."""
    text = unicodedata.normalize("NFKC", text).lower()
    return _SPACE.sub(" ", text).strip()


def tokenizer():
    global _tokenizer
    if _tokenizer is None:
        with _lock:
            if _tokenizer is None:
                import logging

                import jieba

                jieba.setLogLevel(logging.WARNING)
                tok = jieba.Tokenizer()
                tok.load_userdict(str(USERDICT))
                _tokenizer = tok
    return _tokenizer


def words(text: str) -> list[str]:
    """jieba words of the normalised text, punctuation and spaces dropped."""
    return [w for w in tokenizer().lcut(normalise(text), HMM=False) if w.strip() and any(c.isalnum() for c in w)]


def char_ngrams(text: str, low: int = 2, high: int = 2) -> set[str]:
    chars = "".join(c for c in normalise(text) if c.isalnum())
    return {chars[i : i + n] for n in range(low, high + 1) for i in range(len(chars) - n + 1)}
