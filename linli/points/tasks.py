"""Background work for points: the optional yearly expiry."""

from __future__ import annotations

from django.conf import settings
from django_tasks import task

from linli.core import dates
from linli.core.context import acting_as


@task()
def expire_points(year: int) -> int:
    from . import services

    with acting_as("task"):
        return services.expire_year(year=year)


@task()
def expire_points_if_due() -> str:
    """In January, expire points earned up to the end of the year before last when
    ``LINLI_POINTS_EXPIRE_AFTER_YEARS`` (e.g. 1) is set; off by default."""
    years = getattr(settings, "LINLI_POINTS_EXPIRE_AFTER_YEARS", None)
    today = dates.today()
    if not years or today.month != 1:
        return "points expiry off" if not years else "points expiry runs in January"
    n = expire_points.call(today.year - 1 - int(years))
    return f"points expired on {n} accounts"
