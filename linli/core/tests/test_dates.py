"""Short dates keep the year when it is not this year (a record of last December never reads like this one)."""

import datetime as dt

from django.template import Context, Template
from django.utils import timezone, translation

from linli.core.templatetags.linli_dates import short_day, short_when


def test_a_date_of_this_year_has_no_year_and_any_other_year_shows_it():
    today = timezone.localdate()
    this_year, last_year = dt.date(today.year, 3, 5), dt.date(today.year - 1, 12, 24)
    with translation.override("zh-hans"):
        assert short_day(this_year) == "3月5日"
        assert short_day(last_year) == f"{today.year - 1}年12月24日"
        noon = timezone.make_aware(dt.datetime(today.year - 1, 12, 24, 12, 30))
        assert short_when(noon) == f"{today.year - 1}年12月24日 12:30"
        html = Template("{% load linli_dates %}{{ d|day }}|{{ t|when }}").render(
            Context({"d": this_year, "t": timezone.make_aware(dt.datetime(today.year, 3, 5, 8, 0))})
        )
        assert html == "3月5日|3月5日 08:00"
    with translation.override("en"):
        assert short_day(last_year) == f"Dec 24, {today.year - 1}"
    assert short_day(None) == "" and short_when(None) == ""
