import pytest

pytestmark = pytest.mark.django_db


def test_demo_learning_and_meetings(small_demo):
    from linli.learning.models import Assignment, Course
    from linli.meetings.models import AgendaItem, Meeting, State

    assert Course.objects.count() == 3
    assert Assignment.objects.filter(completed_at__isnull=False).exists()
    assert Assignment.objects.filter(via_org__isnull=False).exists()
    closed = Meeting.objects.get(state=State.CLOSED)
    assert list(
        AgendaItem.objects.filter(meeting=closed, is_vote=True).order_by("position").values_list("outcome", flat=True)
    ) == ["failed", "passed"]
    assert Meeting.objects.filter(state=State.OPEN, secret_ballot=True).exists()
    assert Meeting.objects.filter(host_kind="party_branch", state=State.SCHEDULED).exists()
