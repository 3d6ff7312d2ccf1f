"""Owners' committee pages and the party badge speak Chinese (the catalogues' completeness and the compiled .mo
files are checked for every app by ``linli/core/tests/test_catalogues.py``)."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Owners' committees", "业主委员会"),
        ("Owners' committee chair", "业委会主任"),
        ("Owners' committee vice-chair", "业委会副主任"),
        ("Owners' committee member", "业委会委员"),
        ("Owners' committee members", "业委会委员"),
    ],
)
def test_owners_pages_speak_chinese(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
