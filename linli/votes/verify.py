#!/usr/bin/env python3
"""Recompute an owners' decision's tally from its verification file — standard library only.

Usage: ``python3 verify.py decision-12.json``: prints the four quantities and the result, and exits 1 when the
recomputed result differs from the published one (or the file is inconsistent). The format is documented in
docs/domains/votes.md; linli computes every published tally with ``tally()`` below, so the file, the page and this
script all count the same way (民法典 第278条, 最高法 建筑物区分所有权司法解释 第8–9条):

* participation: ≥ 2/3 of the total exclusive area AND ≥ 2/3 of the total heads took part ("以上" includes 2/3);
* approval, of those who took part: matters (6)(7)(8) ≥ 3/4 of the area AND of the heads (includes 3/4);
  the others more than half (过半数: strictly more than 1/2) of the area AND of the heads;
* areas in hundredths of a square metre (integers); comparisons by cross-multiplication — never floats;
* heads: units sharing a ``holder`` number are one head (one owner of several units; the developer's units,
  holder 0, together); a head whose ballots differ counts for the choice carrying the most of its area, and as
  abstaining on a tie.
"""

from __future__ import annotations

import json
import sys
from collections import defaultdict
from fractions import Fraction

FORMAT = "linli-votes-verification/1"
CHOICES = ("yes", "no", "abstain")
MAJOR = (6, 7, 8)


def _test(name: str, numerator: int, denominator: int, threshold: Fraction, strict: bool) -> dict:
    if denominator <= 0:
        passed = False
    elif strict:
        passed = numerator * threshold.denominator > threshold.numerator * denominator
    else:
        passed = numerator * threshold.denominator >= threshold.numerator * denominator
    return {
        "name": name,
        "numerator": numerator,
        "denominator": denominator,
        "threshold": f"{threshold.numerator}/{threshold.denominator}",
        "strict": strict,
        "passed": passed,
    }


def tally(units, ballots, *, major: bool) -> dict:
    """``units``: (key, area_centi, holder) for every unit of the electorate; ``ballots``: (key, choice), at most
    one per unit. Returns the counts and the four tests (participation area/heads, approval area/heads)."""
    area, holder_of = {}, {}
    for key, area_centi, holder in units:
        if key in area:
            raise ValueError(f"unit {key} appears twice in the electorate")
        area[key], holder_of[key] = int(area_centi), int(holder)
    total_area = sum(area.values())
    total_heads = len(set(holder_of.values()))
    by_choice = dict.fromkeys(CHOICES, 0)
    head_areas: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(CHOICES, 0))
    seen = set()
    for key, choice in ballots:
        if key not in area:
            raise ValueError(f"ballot for unit {key}, which is not in the electorate")
        if key in seen:
            raise ValueError(f"two ballots for unit {key}")
        if choice not in CHOICES:
            raise ValueError(f"unknown choice {choice!r}")
        seen.add(key)
        by_choice[choice] += area[key]
        head_areas[holder_of[key]][choice] += area[key]
    heads = dict.fromkeys(CHOICES, 0)
    for per_choice in head_areas.values():
        ranked = sorted(per_choice.items(), key=lambda kv: kv[1], reverse=True)
        heads[ranked[0][0] if ranked[0][1] > ranked[1][1] else "abstain"] += 1
    part_area = sum(by_choice.values())
    part_heads = len(head_areas)
    two_thirds = Fraction(2, 3)
    approval, strict = (Fraction(3, 4), False) if major else (Fraction(1, 2), True)
    tests = [
        _test("participation_area", part_area, total_area, two_thirds, False),
        _test("participation_heads", part_heads, total_heads, two_thirds, False),
        _test("approval_area", by_choice["yes"], part_area, approval, strict),
        _test("approval_heads", heads["yes"], part_heads, approval, strict),
    ]
    participation = tests[0]["passed"] and tests[1]["passed"]
    approved = tests[2]["passed"] and tests[3]["passed"]
    return {
        "major": major,
        "total_units": len(area),
        "total_area_centi": total_area,
        "total_heads": total_heads,
        "ballots": len(seen),
        "area_centi": by_choice,
        "heads": heads,
        "tests": tests,
        "participation_passed": participation,
        "approval_passed": approved,
        "passed": participation and approved,
    }


def recompute(data: dict) -> dict:
    if data.get("format") != FORMAT:
        raise ValueError(f"not a {FORMAT} file")
    major = int(data["decision"]["matter_type"]) in MAJOR
    units = [(u["unit"], u["area_centi"], u["holder"]) for u in data["electorate"]]
    ballots = [(b["unit"], b["choice"]) for b in data["ballots"]]
    return tally(units, ballots, major=major)


def _show(n: int, d: int) -> str:
    return f"{n}/{d}"


def main(argv: list[str]) -> int:
    if len(argv) != 2:
        print("usage: verify.py FILE.json", file=sys.stderr)
        return 2
    with open(argv[1], encoding="utf-8") as fh:
        data = json.load(fh)
    result = recompute(data)
    for test in result["tests"]:
        sign = ">" if test["strict"] else "≥"
        verdict = "pass" if test["passed"] else "FAIL"
        share = _show(test["numerator"], test["denominator"])
        print(f"{test['name']:20} {share:>24} {sign} {test['threshold']}  {verdict}")
    print("result:", "PASSED" if result["passed"] else "NOT PASSED")
    published = data.get("tally")
    if published is not None and published != result:
        print("the published tally differs from the recomputed one", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
