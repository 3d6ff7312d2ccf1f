"""Transactional tests flush the database; the migrations' reference data must be back for the next one."""

import pytest

from linli.core.models import CalendarDay


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("round_", [1, 2, 3])
def test_calendar_rows_present_in_every_transactional_test(round_):
    assert CalendarDay.objects.filter(date__year=2026).count() > 10
    CalendarDay.objects.filter(date__year=2026).delete()  # gone for the rest of this test only
