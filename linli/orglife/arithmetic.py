"""The counting rules of the 中国共产党支部工作条例(试行) (2018), in exact integer arithmetic.

* 支部党员大会: quorum when more than half of the members with voting rights (正式党员) are present;
  a resolution passes only when the yes votes are more than half of the members entitled to attend (应到),
  not of those present — 10 yes of 21 entitled fails, 11 of 21 passes.
* 支部委员会: quorum when more than half of the committee seats are present; the same pass rule on the seats.

"More than half" is ``2 * n > base``: no floats, no rounding, so 10.5 never sneaks in as a threshold.
"""

from __future__ import annotations


def more_than_half(count: int, base: int) -> bool:
    """``count`` > ``base`` / 2, exactly. A base of zero is never satisfied."""
    if base <= 0:
        return False
    return 2 * int(count) > int(base)


def votes_needed(base: int) -> int:
    """The smallest number of votes that is more than half of ``base`` (``base // 2 + 1``)."""
    return int(base) // 2 + 1


def has_quorum(present: int, entitled: int) -> bool:
    return more_than_half(present, entitled)


def resolution_passes(yes: int, entitled: int) -> bool:
    """Yes votes > 1/2 of 应到 (the members entitled to attend), never of those present."""
    return more_than_half(yes, entitled)
