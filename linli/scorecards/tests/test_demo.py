import pytest

from linli.scorecards.models import Objection, RunState, ScoreCard, ScoreRun

pytestmark = pytest.mark.django_db


def test_demo_score_cards(small_demo):
    assert ScoreRun.objects.filter(state=RunState.FINAL).count() == 4
    assert ScoreRun.objects.filter(state=RunState.PUBLICISED).count() == 4
    assert ScoreCard.objects.filter(run__card_type="org").exists()
    # One objection waits for an answer during this year's notice (the district's score-card to-do).
    assert Objection.objects.filter(resolved_at__isnull=True, run__state=RunState.PUBLICISED).count() == 1
