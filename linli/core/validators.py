"""Validators for the identifiers the platform handles (domain-rules §9)."""

from __future__ import annotations

import re
import unicodedata

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.core import dates

DIGITS = re.compile(r"^\d+$")

# Characters XML 1.0 cannot hold (C0 controls but tab, newline and carriage return; lone surrogates; U+FFFE/FFFF).
# Text that people type is cleaned of them on the way in, and feeds strip them on the way out: one such character
# in a report made the whole public Open311 XML feed unreadable for every consumer.
XML_ILLEGAL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")


def strip_control_chars(text: str) -> str:
    """``text`` without the characters XML 1.0 cannot hold (tab, newline and carriage return are kept)."""
    return XML_ILLEGAL.sub("", text) if text else (text or "")


CREDIT_CODE_CHARS = "0123456789ABCDEFGHJKLMNPQRTUWXY"
CREDIT_CODE_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


def credit_code_check_char(first17: str) -> str:
    total = sum(CREDIT_CODE_CHARS.index(c) * w for c, w in zip(first17, CREDIT_CODE_WEIGHTS, strict=True))
    return CREDIT_CODE_CHARS[(31 - total % 31) % 31]


def validate_credit_code(value: str) -> None:
    """统一社会信用代码 (GB 32100-2015): 18 characters with a mod-31 check character."""
    code = (value or "").strip().upper()
    if len(code) != 18 or any(c not in CREDIT_CODE_CHARS for c in code):
        raise ValidationError(
            _("A unified social credit code has 18 characters from 0-9 and A-Y (no I, O, S, V, Z)."),
            code="credit_code_format",
        )
    if credit_code_check_char(code[:17]) != code[17]:
        raise ValidationError(
            _("The check character of this unified social credit code is wrong."), code="credit_code_checksum"
        )


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (1[3-9] + 9 digits) or a landline such as 0555-2345678."""
    if not (MOBILE.match(value or "") or LANDLINE.match(value or "")):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting with 13–19, or a landline such as 0555-2345678."),
            code="phone_format",
        )


# -- 居民身份证号 (GB 11643-1999) ------------------------------------------------------------------------

ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
ID_CHECK = "10X98765432"


def id_check_char(first17: str) -> str:
    return ID_CHECK[sum(int(c) * w for c, w in zip(first17, ID_WEIGHTS, strict=True)) % 11]


def parse_id_card(value: str):
    """Validate a 居民身份证号 and return (18-digit number, birth date, gender "M"/"F").

    Accepts lowercase x (stored as X) and converts legacy 15-digit numbers (19 + date, new check char).
    Raises ValidationError with a translated message otherwise.
    """
    import datetime as dt

    number = (value or "").strip().upper().replace(" ", "")
    if re.fullmatch(r"\d{15}", number):
        number = number[:6] + "19" + number[6:]
        number += id_check_char(number)
    if not re.fullmatch(r"\d{17}[\dX]", number):
        raise ValidationError(_("An ID card number has 18 characters: 17 digits and a digit or X."), code="id_format")
    try:
        birth = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        raise ValidationError(
            _("The birth date inside this ID card number is not a real date."), code="id_birth"
        ) from None
    if birth.year < 1880 or birth > dates.today():
        raise ValidationError(_("The birth date inside this ID card number is not plausible."), code="id_birth")
    if id_check_char(number[:17]) != number[17]:
        raise ValidationError(_("The check character of this ID card number is wrong."), code="id_checksum")
    gender = "M" if int(number[16]) % 2 == 1 else "F"
    return number, birth, gender


def normalize_mobile(value: str) -> str:
    number = re.sub(r"[\s-]", "", value or "")
    if number.startswith("+86"):
        number = number[3:]
    if not MOBILE.match(number) and not LANDLINE.match(value or ""):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting with 13–19, or a landline such as 0555-2345678."),
            code="phone_format",
        )
    return number if MOBILE.match(number) else (value or "").strip()


def mask_id(number: str) -> str:
    """340504********123X: the area code and the last four only."""
    if len(number) <= 10:
        return "*" * len(number)
    return number[:6] + "*" * (len(number) - 10) + number[-4:]


def mask_phone(number: str) -> str:
    """138****5678."""
    digits = number
    if len(digits) < 7:
        return "*" * len(digits)
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:]


# Personal numbers inside free text: an 18- or 15-character ID number, a mainland mobile number — however it is
# written: full-width digits (１３８…), groups split by spaces, hyphens, dots or brackets (138 1234 5678,
# 138.1234.5678, (138)12345678, 340504 19800101 001X), with or without +86. A candidate is found with separators
# allowed between digits, then normalised (NFKC, separators dropped) before it is judged and masked. Digits
# on either side mean it is part of a longer number (an order, an amount, a case number) and it is left alone.
_D = "[0-9０-９]"
_SEP = "[ \u3000\\-－.．·・()（）]?"
_NOT_AFTER = "(?![0-9０-９A-Za-zＡ-Ｚａ-ｚ])"
_ID_IN_TEXT = re.compile(
    f"(?<![0-9０-９])[(（]?(?:{_D}(?:{_SEP}{_D}){{16}}{_SEP}[0-9０-９XxＸｘ]|{_D}(?:{_SEP}{_D}){{14}}){_NOT_AFTER}"
)
_MOBILE_IN_TEXT = re.compile(
    f"(?<![0-9０-９])(?:[+＋]?[8８][6６][ \u3000\\-－]?)?[(（]?[1１]{_SEP}[3-9３-９](?:{_SEP}{_D}){{9}}(?![0-9０-９])"
)
_SEPARATORS = re.compile("[^0-9X]")


def _digits(text: str) -> str:
    return _SEPARATORS.sub("", unicodedata.normalize("NFKC", text).upper())


def _plausible_birth(number: str) -> bool:
    """For an ID number written with separators: digits 7–14 (or 7–12 of a 15-digit one) are a birth date."""
    date = number[6:14] if len(number) == 18 else "19" + number[6:12]
    return date[:2] in ("18", "19", "20") and "01" <= date[4:6] <= "12" and "01" <= date[6:8] <= "31"


def _mask_id_match(m: re.Match) -> str | None:
    number = _digits(m.group(0))
    if len(number) not in (15, 18) or "X" in number[:-1] or (len(number) == 15 and not number.isdigit()):
        return None
    written_plain = number == unicodedata.normalize("NFKC", m.group(0)).upper()
    if not written_plain and not _plausible_birth(number):
        return None
    return mask_id(number)


def _mask_mobile_match(m: re.Match) -> str | None:
    number = _digits(m.group(0))
    if len(number) == 13 and number.startswith("86"):
        number = number[2:]
    return mask_phone(number) if len(number) == 11 else None


def _replace(pattern: re.Pattern, text: str, judge) -> str:
    """``pattern.sub`` where ``judge`` may turn a candidate down (None): the search then goes on from the
    candidate's next character, not from its end, so a number right after a refused candidate is still found."""
    out, pos, done = [], 0, 0
    while (m := pattern.search(text, pos)) is not None:
        masked = judge(m)
        if masked is None:
            pos = m.start() + 1
            continue
        out += [text[done : m.start()], masked]
        pos = done = m.end()
    return "".join(out) + text[done:]


def mask_personal_numbers(text: str) -> str:
    """``text`` with every ID and mobile number in it masked as ``mask_id``/``mask_phone`` would: for what is
    shown publicly (Open311), where a resident may have typed their own or a neighbour's number into a report."""
    if not text:
        return text or ""
    text = _replace(_ID_IN_TEXT, text, _mask_id_match)
    return _replace(_MOBILE_IN_TEXT, text, _mask_mobile_match)
