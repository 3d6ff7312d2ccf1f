"""Pages and notifications of volunteering, wishes, points and visits speak Chinese (the catalogues' completeness
and the compiled .mo files are checked for every app by ``linli/core/tests/test_catalogues.py``)."""

from __future__ import annotations

import pytest
from django.utils import translation


@pytest.mark.parametrize(
    ("msgid", "expected"),
    [
        ("Earning rules", "积分规则"),
        ("Visit rules", "走访规则"),
        ("%(d)s days", "%(d)s 天"),
        ("A micro-wish awaits review: %(title)s", "有微心愿待审核：%(title)s"),
        ("Volunteer star levels", "志愿者星级标准"),
    ],
)
def test_pages_and_notifications_speak_chinese(msgid, expected):
    with translation.override("zh-hans"):
        assert translation.gettext(msgid) == expected
