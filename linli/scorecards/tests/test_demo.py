from io import StringIO

import pytest
from django.core.management import call_command

from linli.scorecards.models import Objection, RunState, ScoreCard, ScoreRun

pytestmark = pytest.mark.django_db


def test_demo_score_cards(monkeypatch):
    from linli.core.registry import registry

    monkeypatch.setattr(
        registry, "demo_seeders", [s for s in registry.demo_seeders if s.key in ("alliance", "scorecards")]
    )
    call_command("seed_demo", "--small", stdout=StringIO())
    assert ScoreRun.objects.filter(state=RunState.FINAL).count() == 4
    assert ScoreRun.objects.filter(state=RunState.PUBLICISED).count() == 4
    assert ScoreCard.objects.filter(run__card_type="org").exists()
    # One objection waits for an answer during this year's notice (the district's score-card to-do).
    assert Objection.objects.filter(resolved_at__isnull=True, run__state=RunState.PUBLICISED).count() == 1
