"""Years after the package's: statutory holidays computed from the law, provisional until the notice is entered."""

import datetime as dt

import chinese_calendar
import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.core import calendar as services
from linli.core.holidays import lunar_to_date, statutory_holidays
from linli.core.models import AuditLog, CalendarDay, CalendarYear
from linli.core.workdays import (
    CalendarRangeError,
    add_workdays,
    deadline_info,
    is_provisional,
    is_workday,
    workdays_between,
)

pytestmark = pytest.mark.django_db
D = dt.date
PACKAGE_NAMES = {
    "New Year's Day": "元旦",
    "Spring Festival": "春节",
    "Tomb-sweeping Day": "清明节",
    "Labour Day": "劳动节",
    "Dragon Boat Festival": "端午节",
    "National Day": "国庆节",
    "Mid-autumn Festival": "中秋节",
}


def aware(*args):
    return timezone.make_aware(dt.datetime(*args))


def test_first_of_january_2027_is_a_holiday_while_2027_is_provisional():
    assert is_provisional(D(2027, 1, 1)) and not is_provisional(D(2026, 12, 31))
    assert not is_workday(D(2027, 1, 1))  # a Friday: Monday–Friday alone would count it
    assert add_workdays(D(2026, 12, 31), 1) == D(2027, 1, 4)


def test_spring_festival_2027_starts_on_chuxi():
    new_year = lunar_to_date(2027, 1, 1)
    assert new_year == D(2027, 2, 6)
    chuxi = new_year - dt.timedelta(days=1)
    assert chuxi == D(2027, 2, 5)
    spring = [day for day, name in statutory_holidays(2027).items() if name == "春节"]
    assert spring == [D(2027, 2, 5), D(2027, 2, 6), D(2027, 2, 7), D(2027, 2, 8)]
    assert not is_workday(D(2027, 2, 5)) and not is_workday(D(2027, 2, 8))  # Friday 除夕, Monday 初三
    assert is_workday(D(2027, 2, 9))
    assert workdays_between(D(2027, 2, 4), D(2027, 2, 10)) == 2


@pytest.mark.parametrize("year", [2024, 2025, 2026])
def test_computed_holidays_match_the_package_for_known_years(year):
    computed = statutory_holidays(year)
    assert len(computed) == (11 if year < 2025 else 13)  # the 2024 amendment added 除夕 and 2 May
    for day, name in computed.items():
        assert not chinese_calendar.is_workday(day), day
        _on, holiday = chinese_calendar.get_holiday_detail(day)
        assert PACKAGE_NAMES[str(holiday)] in name, (day, name, holiday)


def test_a_deadline_crossing_into_2027_is_provisional():
    crossing = deadline_info(aware(2026, 12, 28, 10, 0), 5)
    # Tue 29, Wed 30, Thu 31, (Fri 1 January 元旦), Mon 4, Tue 5
    assert timezone.localtime(crossing.at).date() == D(2027, 1, 5)
    assert crossing.provisional
    inside = deadline_info(aware(2026, 12, 1, 10, 0), 5)
    assert not inside.provisional


def test_entered_arrangement_clears_the_flag_and_applies_adjusted_workdays(tree):
    admin = tree.users["district_admin"]
    with pytest.raises(ValidationError) as exc:  # 元旦 and 春节 not entered yet
        services.calendar_year_arrange(actor=admin, year=2027, source="国务院办公厅关于2027年部分节假日安排的通知")
    assert "2027-01-01" in str(exc.value)
    assert not CalendarYear.objects.filter(year=2027).exists()
    # A made-up arrangement (the real notice is not published): 春节 5–11 February, Saturday 20 February worked.
    for day in [D(2027, 1, 1), *(D(2027, 2, d) for d in (5, 8, 9, 10, 11))]:
        services.calendar_day_set(actor=admin, date=day, is_workday=False, name="春节")
    services.calendar_day_set(actor=admin, date=D(2027, 2, 20), is_workday=True, name="调休上班 春节")
    for day in (D(2027, 4, 5), D(2027, 6, 9), D(2027, 9, 15), D(2027, 10, 1)):
        services.calendar_day_set(actor=admin, date=day, is_workday=False, name="节日")
    services.calendar_year_arrange(actor=admin, year=2027, source="test notice")
    assert AuditLog.objects.filter(object_type="core.calendaryear", action="create").exists()
    assert not is_provisional(D(2027, 1, 1))
    assert not deadline_info(aware(2026, 12, 28, 10, 0), 5).provisional
    assert is_workday(D(2027, 2, 20)) and not is_workday(D(2027, 2, 10))


def test_a_day_set_back_to_the_computed_rule_keeps_no_row(tree):
    admin = tree.users["district_admin"]
    services.calendar_day_set(actor=admin, date=D(2027, 2, 8), is_workday=False, name="")
    assert not CalendarDay.objects.filter(date=D(2027, 2, 8)).exists()  # already a statutory holiday
    services.calendar_day_set(actor=admin, date=D(2027, 2, 8), is_workday=True)
    assert CalendarDay.objects.get(date=D(2027, 2, 8)).is_workday


@pytest.mark.parametrize("day", [D(2019, 12, 31), D(1, 2, 1), D(2100, 1, 4), D(9999, 12, 1)])
def test_years_outside_the_calendar_raise_a_clear_error(day):
    with pytest.raises(CalendarRangeError, match="2020–2099"):
        is_workday(day)
    with pytest.raises(CalendarRangeError):
        add_workdays(day, 3)


def test_administrators_see_a_banner_while_this_or_next_year_is_provisional(tree, client):
    today = timezone.localdate()
    for year in (today.year, today.year + 1):
        CalendarYear.objects.get_or_create(year=year, defaults={"source": "test"})
    client.force_login(tree.users["district_admin"])
    assert 'data-testid="calendar-provisional"' not in client.get("/").content.decode()
    CalendarYear.objects.filter(year=today.year + 1).delete()
    page = client.get("/").content.decode()
    assert 'data-testid="calendar-provisional"' in page and str(today.year + 1) in page
    client.force_login(tree.users["secretary_a1"])
    assert 'data-testid="calendar-provisional"' not in client.get("/").content.decode()
