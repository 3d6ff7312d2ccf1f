"""Turning raw personal numbers into what is stored: cipher, keyed hash, mask, last four."""

from __future__ import annotations

from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from pypinyin import Style, lazy_pinyin

from linli.core import crypto
from linli.core.validators import mask_id, mask_phone, normalize_mobile, parse_id_card

from .models import IdType


@dataclass(frozen=True)
class Sealed:
    cipher: str = ""
    hash: str = ""
    masked: str = ""
    last4: str = ""


def id_hash(id_type: str, number: str) -> str:
    return crypto.lookup_hash(f"id:{id_type}", number)


def phone_hash(number: str) -> str:
    return crypto.lookup_hash("phone", number)


def normalize_id(id_type: str, raw: str):
    """(normalised number, birth date or None, gender or None)."""
    raw = (raw or "").strip()
    if not raw:
        return "", None, None
    if id_type == IdType.ID_CARD:
        return parse_id_card(raw)
    number = raw.upper().replace(" ", "")
    if not 5 <= len(number) <= 20 or not number.isalnum():
        raise ValidationError(_("A document number has 5 to 20 letters and digits."), code="id_format")
    return number, None, None


def seal_id(id_type: str, number: str) -> Sealed:
    if not number:
        return Sealed()
    return Sealed(crypto.encrypt(number), id_hash(id_type, number), mask_id(number), number[-4:])


def seal_phone(raw: str) -> Sealed:
    raw = (raw or "").strip()
    if not raw:
        return Sealed()
    number = normalize_mobile(raw)
    return Sealed(
        crypto.encrypt(number), phone_hash(number), mask_phone(number.replace("-", "")), number.replace("-", "")[-4:]
    )


def pinyin(name: str) -> tuple[str, str]:
    """(full pinyin without tones, initials): 张三丰 → ("zhangsanfeng", "zsf")."""
    full = "".join(lazy_pinyin(name or "", errors="ignore")).lower()
    initials = "".join(lazy_pinyin(name or "", style=Style.FIRST_LETTER, errors="ignore")).lower()
    return full[:200], initials[:50]
