"""The workbench's selection to-dos: nominations to review, a closed vote to announce, a 公示 to finalise; nothing for
a resident; a constant number of queries."""

from __future__ import annotations

import datetime as dt

import pytest

from linli.core.testing import count_queries

from .. import services
from ..todos import collect

pytestmark = pytest.mark.django_db


def keys(user):
    return {t.key: t.count for t in collect(user)}


def test_review_announce_finalise(tree, today, make_selection, make_resident, in_vote):
    sec = tree.users["secretary_a1"]
    s, _noms = in_vote
    other = make_selection(
        title="好家庭",
        kind="filial",
        nominate_from=today.day,
        vote_from=today.day + dt.timedelta(days=7),
        nominate_until=today.day + dt.timedelta(days=6),
        vote_until=today.day + dt.timedelta(days=9),
    )
    services.nominate(actor=sec, selection=other, resident=make_resident(), reason="孝顺")
    assert keys(sec) == {"selections.review": 1}
    assert keys(tree.users["resident_a1"]) == {} and keys(tree.users["grid_a"]) == {}
    today.set(s.vote_until + dt.timedelta(days=1))
    assert keys(sec)["selections.announce"] == 1
    s = services.selection_announce(actor=sec, selection=s)
    today.set(s.publicity_until + dt.timedelta(days=1))
    assert keys(sec)["selections.finalise"] == 1
    with count_queries() as q:
        collect(sec)
    assert len(q) <= 4
