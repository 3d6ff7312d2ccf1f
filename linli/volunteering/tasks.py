"""Background work for volunteering: the daily star-level run (propose new stars, award after the notice)."""

from __future__ import annotations

from django_tasks import task

from linli.core.context import acting_as


def run_stars() -> str:
    from . import services

    with acting_as("task"):
        awarded = services.stars_finalise()
        proposed = services.stars_propose()
    return f"volunteer stars: {awarded} awarded, {proposed} put on public notice"


@task()
def stars_daily() -> str:
    return run_stars()
