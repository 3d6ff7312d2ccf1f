"""domain-rules §1 (民法典 第278条 and 司法解释 第8–9条), one test per rule, thresholds from both sides.

The tally itself (``verify.tally``) is pure: units are (key, area in 0.01 m², holder), ballots (key, choice)."""

from __future__ import annotations

from fractions import Fraction

import pytest

from linli.votes.models import MAJOR_MATTERS, MatterType
from linli.votes.verify import tally


def units(*areas, holders=None):
    holders = holders or list(range(1, len(areas) + 1))
    return [(i, a, h) for i, (a, h) in enumerate(zip(areas, holders, strict=True))]


def test_matters_are_the_nine_of_article_278_and_6_7_8_are_major():
    assert MatterType.values == list(range(1, 10))
    assert set(MAJOR_MATTERS) == {6, 7, 8}


def test_participation_exactly_two_thirds_of_area_and_heads_passes():
    r = tally(units(100, 100, 100), [(0, "yes"), (1, "yes")], major=False)
    assert [t["passed"] for t in r["tests"][:2]] == [True, True]
    assert (r["tests"][0]["numerator"], r["tests"][0]["denominator"]) == (200, 300)
    assert r["participation_passed"]


def test_participation_just_below_two_thirds_of_area_fails():
    r = tally(units(10000, 10000, 10001), [(0, "yes"), (1, "yes")], major=False)
    assert r["tests"][0]["passed"] is False  # 20000/30001 < 2/3
    assert r["tests"][1]["passed"] is True  # heads 2/3
    assert not r["participation_passed"] and not r["passed"]


def test_participation_just_below_two_thirds_of_heads_fails():
    # area: the two big units are 2/3 and more; heads: 2 of 4 < 2/3
    r = tally(units(500, 500, 1, 1), [(0, "yes"), (1, "yes")], major=False)
    assert r["tests"][0]["passed"] is True
    assert r["tests"][1]["passed"] is False
    assert not r["passed"]


def test_ordinary_matter_exactly_half_is_not_a_majority():
    r = tally(units(100, 100, 100, 100), [(0, "yes"), (1, "yes"), (2, "no"), (3, "no")], major=False)
    assert r["participation_passed"]
    assert (r["tests"][2]["numerator"], r["tests"][2]["denominator"]) == (200, 400)
    assert r["tests"][2]["passed"] is False and r["tests"][3]["passed"] is False
    assert not r["passed"]


def test_ordinary_matter_just_more_than_half_passes():
    r = tally(units(100, 100, 100), [(0, "yes"), (1, "yes"), (2, "no")], major=False)
    assert r["tests"][2]["passed"] and r["tests"][3]["passed"] and r["passed"]
    r = tally(units(10001, 10000), [(0, "yes"), (1, "no")], major=False)
    assert r["tests"][2]["passed"] is True  # area 10001/20001 > 1/2
    assert r["tests"][3]["passed"] is False  # heads 1/2 is not more than half


@pytest.mark.parametrize("matter", [6, 7, 8])
def test_major_matter_exactly_three_quarters_passes(matter):
    r = tally(units(100, 100, 100, 100), [(0, "yes"), (1, "yes"), (2, "yes"), (3, "no")], major=matter in MAJOR_MATTERS)
    assert r["major"] is True
    assert (r["tests"][2]["numerator"], r["tests"][2]["denominator"], r["tests"][2]["threshold"]) == (300, 400, "3/4")
    assert r["tests"][2]["passed"] and r["tests"][3]["passed"] and r["passed"]


def test_major_matter_just_below_three_quarters_fails():
    r = tally(units(100, 100, 100, 101), [(0, "yes"), (1, "yes"), (2, "yes"), (3, "no")], major=True)
    assert r["tests"][2]["passed"] is False  # 300/401 < 3/4
    assert r["tests"][3]["passed"] is True  # heads 3/4
    assert not r["passed"]


def test_major_matter_three_quarters_of_heads_needed_too():
    r = tally(units(600, 100, 100, 100, 100), [(0, "yes"), (1, "yes"), (2, "no"), (3, "no"), (4, "yes")], major=True)
    assert r["tests"][2]["passed"] is True  # area 800/1000 ≥ 3/4
    assert r["tests"][3]["passed"] is False  # heads 3/5 < 3/4


def test_approval_is_of_the_participants_not_of_all_owners():
    # 2/3 took part; 2 of the 2 agree → passes although only 2/3 of all owners agreed
    r = tally(units(100, 100, 100), [(0, "yes"), (1, "yes")], major=True)
    assert r["tests"][2]["denominator"] == 200 and r["passed"]


def test_non_voters_are_not_counted_as_agreeing():
    """未投票视为同意 is not allowed: silence neither takes part nor agrees."""
    r = tally(units(100, 100, 100), [(0, "yes")], major=False)
    assert r["area_centi"]["yes"] == 100 and r["heads"]["yes"] == 1
    assert r["tests"][0]["numerator"] == 100 and not r["participation_passed"] and not r["passed"]


def test_abstentions_take_part_but_do_not_agree():
    r = tally(units(100, 100, 100), [(0, "yes"), (1, "abstain"), (2, "abstain")], major=False)
    assert r["participation_passed"] and not r["approval_passed"]


def test_headcount_one_owner_of_several_units_counts_once():
    r = tally(units(100, 100, 100, holders=[1, 1, 2]), [(0, "yes"), (1, "yes")], major=False)
    assert r["total_heads"] == 2
    assert (r["tests"][1]["numerator"], r["tests"][1]["denominator"]) == (1, 2)
    assert r["tests"][1]["passed"] is False


def test_headcount_developer_unsold_units_together_count_once():
    r = tally(units(100, 100, 100, 100, holders=[0, 0, 0, 1]), [], major=False)
    assert r["total_heads"] == 2 and r["total_units"] == 4


def test_area_and_headcount_are_tallied_separately():
    r = tally(units(1000, 10, 10, 10), [(0, "yes")], major=False)
    assert r["tests"][0]["passed"] is True and r["tests"][1]["passed"] is False
    assert r["tests"][0]["denominator"] == 1030 and r["tests"][1]["denominator"] == 4


def test_a_head_with_mixed_ballots_counts_for_the_choice_with_most_area_tie_abstains():
    r = tally(
        units(100, 50, 100, 100, holders=[1, 1, 2, 2]), [(0, "yes"), (1, "no"), (2, "yes"), (3, "no")], major=False
    )
    assert r["heads"] == {"yes": 1, "no": 0, "abstain": 1}


def test_thresholds_computed_with_integers_never_floats():
    r = tally(units(*[333] * 9), [(i, "yes") for i in range(6)], major=True)

    def walk(value):
        assert not isinstance(value, float)
        if isinstance(value, dict):
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            for v in value:
                walk(v)

    walk(r)
    assert Fraction(r["tests"][0]["numerator"], r["tests"][0]["denominator"]) == Fraction(2, 3)
    assert r["tests"][0]["passed"]


def test_malformed_verification_input_is_refused():
    with pytest.raises(ValueError):
        tally(units(100), [(0, "yes"), (0, "no")], major=False)
    with pytest.raises(ValueError):
        tally(units(100), [(5, "yes")], major=False)
    with pytest.raises(ValueError):
        tally(units(100), [(0, "maybe")], major=False)
