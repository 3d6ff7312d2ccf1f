"""Validators for the identifiers the platform handles (domain-rules §9)."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

DIGITS = re.compile(r"^\d+$")

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
        raise ValidationError(_("The check character of this unified social credit code is wrong."),
                              code="credit_code_checksum")


MOBILE = re.compile(r"^1[3-9]\d{9}$")
LANDLINE = re.compile(r"^(0\d{2,3}-?)?\d{7,8}(-\d{1,6})?$")


def validate_phone(value: str) -> None:
    """A mainland mobile number (1[3-9] + 9 digits) or a landline such as 0555-2345678."""
    if not (MOBILE.match(value or "") or LANDLINE.match(value or "")):
        raise ValidationError(
            _("Enter an 11-digit mobile number starting with 13–19, or a landline such as 0555-2345678."),
            code="phone_format",
        )
