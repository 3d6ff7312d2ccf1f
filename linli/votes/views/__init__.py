"""The pages of owners' decisions: ``staff`` (prepare, run and count a vote) and ``public`` (the 公告, the owner's
phone vote)."""

from .public import board, my_votes, public_result, vote, vote_cast
from .staff import (
    decision_correct,
    decision_create,
    decision_detail,
    decision_export,
    decision_list,
    decision_notice,
    decision_step,
    designate,
    developer_mark,
    paper_ballot,
    verification_file,
    verify_script,
)

__all__ = [
    "board",
    "decision_correct",
    "decision_create",
    "decision_detail",
    "decision_export",
    "decision_list",
    "decision_notice",
    "decision_step",
    "designate",
    "developer_mark",
    "my_votes",
    "paper_ballot",
    "public_result",
    "verification_file",
    "verify_script",
    "vote",
    "vote_cast",
]
