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


def verify_sample(sample: int) -> tuple[int, list[str]]:
    """Decrypt up to ``sample`` residents' sealed ID and phone numbers with the configured keys and recompute their
    lookup hashes (``manage.py restore_backup``; registry.sealed_checks). Failures name the row and the field, never
    the number."""
    from .models import Resident

    rows = (
        Resident._base_manager.exclude(id_cipher="", phone_cipher="")
        .order_by("?")
        .values_list("pk", "id_type", "id_cipher", "id_hash", "id_last4", "phone_cipher", "phone_hash", "phone_last4")[
            :sample
        ]
    )
    checked, failures = 0, []
    for pk, id_type, id_cipher, id_hash_, id_last4, phone_cipher, phone_hash_, phone_last4 in rows:
        for field, cipher, stored_hash, last4, rehash in (
            ("id", id_cipher, id_hash_, id_last4, lambda n, t=id_type: id_hash(t, n)),
            ("phone", phone_cipher, phone_hash_, phone_last4, phone_hash),
        ):
            if not cipher:
                continue
            checked += 1
            try:
                number = crypto.decrypt(cipher)
            except ValueError:
                failures.append(f"resident {pk} {field}: cannot be decrypted with LINLI_DATA_KEYS")
                continue
            if rehash(number) != stored_hash:
                failures.append(f"resident {pk} {field}: lookup hash differs (LINLI_HASH_KEY is not the one used)")
            elif number.replace("-", "")[-4:] != last4:
                failures.append(f"resident {pk} {field}: last four characters differ")
    return checked, failures
