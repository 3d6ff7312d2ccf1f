"""One overdue rule (``models.overdue_q`` / ``Case.objects.overdue`` / ``Case.is_overdue``): a case is overdue once
the deadline of its stage has passed. Queues, filters, workbench counts and the deadline job all use it.

Before it was one rule, the copies disagreed in two places, pinned here: ``is_overdue`` looked only at the signing
deadline while a case waited to be signed for (a dispatched case past its handling deadline was "not overdue" on
its page but overdue in the queue), and the deadline job counted a handling deadline in any open state, so an
accepted case with a stale deadline was urged although no one held it."""

import datetime as dt

import pytest
from django.utils import timezone

from linli.workorders import deadlines, selectors
from linli.workorders import services as wo
from linli.workorders.models import Case, State, overdue_q

pytestmark = pytest.mark.django_db

HOUR = dt.timedelta(hours=1)


def _case(tree):
    return wo.case_create(
        actor=tree.users["secretary_a1"],
        category="municipal-light",
        title="路灯不亮",
        description="d",
        place=tree.building_a1,
        source="patrol",
        case_type="help",
    )


def _dispatched(tree):
    case = _case(tree)
    wo.case_dispatch(actor=tree.users["secretary_a1"], case=case, lead_org=tree.property_co)
    return Case.objects.get(pk=case.pk)


def _agree(case: Case, now, *, exact: bool = False) -> bool:
    """The queryset and the property (which reads the clock itself, a moment after ``now``; hence the deadlines an
    hour away, and ``exact`` for the boundary) give the same answer; returns it."""
    in_db = Case.objects.overdue(now).filter(pk=case.pk).exists()
    assert Case.objects.filter(overdue_q(now)).filter(pk=case.pk).exists() == in_db
    if not exact:
        case = Case.objects.get(pk=case.pk)
        assert case.is_overdue == in_db, (case.state, case.sign_due, case.handle_due, now)
    return in_db


@pytest.mark.parametrize(
    ("sign", "handle", "overdue"),
    [
        (+1, +2, False),
        (-1, +2, True),  # not signed for in time
        (+1, -1, True),  # awaiting signature, yet the handling deadline has passed: overdue (the property said no)
        (0, +2, False),  # due this very moment: not yet overdue
    ],
)
def test_a_dispatched_case(tree, sign, handle, overdue):
    case = _dispatched(tree)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(sign_due=now + sign * HOUR, handle_due=now + handle * HOUR)
    assert _agree(case, now, exact=sign == 0) is overdue


def test_signed_and_handling_cases_go_by_the_handling_deadline(tree):
    case = _dispatched(tree)
    wo.case_sign(actor=tree.users["property_staff"], case=case)
    now = timezone.now()
    Case.objects.filter(pk=case.pk).update(sign_due=now - 5 * HOUR, handle_due=now + HOUR)
    assert _agree(case, now) is False  # signing's deadline no longer counts once signed for
    Case.objects.filter(pk=case.pk).update(handle_due=now - HOUR)
    assert _agree(case, now) is True
    Case.objects.filter(pk=case.pk).update(state=State.HANDLING)
    assert _agree(case, now) is True
    Case.objects.filter(pk=case.pk).update(state=State.COMPLETED)
    assert _agree(case, now) is False


def test_an_accepted_case_is_never_overdue_and_the_job_leaves_it_alone(tree):
    case = _case(tree)
    now = timezone.make_aware(dt.datetime(2026, 9, 30, 9, 0))  # a working day
    Case.objects.filter(pk=case.pk).update(handle_due=now - 30 * HOUR, sign_due=now - 30 * HOUR)  # stale data
    assert _agree(case, now) is False
    assert not selectors.open_overdue(now).exists()
    assert deadlines.run(now)["urged"] == 0
    assert Case.objects.get(pk=case.pk).urge_count == 0


# -- the project rule ---------------------------------------------------------------------------------------


def _violations(path) -> list[str]:
    """A hand-written deadline comparison: a ``…due__lt``/``…due__lte`` lookup outside the rule."""
    import ast

    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = []
        if isinstance(node, ast.keyword) and node.arg:
            names.append(node.arg)
        elif isinstance(node, ast.Constant) and isinstance(node.value, str):  # f-string parts are constants too
            names.append(node.value)
        found += [n for n in names if n.endswith(("sign_due__lt", "handle_due__lt", "due__lte"))]
    return found


def test_no_second_overdue_rule():
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    here = root / "workorders" / "models" / "case.py"
    bad = []
    for path in sorted(root.rglob("*.py")):
        if path == here or "tests" in path.parts or "migrations" in path.parts:
            continue
        bad += [f"{path.relative_to(root.parent)}: {item}" for item in _violations(path)]
    assert not bad, "use Case.objects.overdue / overdue_q from workorders.models, not: " + ", ".join(bad)


def test_the_project_rule_catches_a_copy(tmp_path):
    sample = tmp_path / "views.py"
    sample.write_text('q = Q(state="dispatched", sign_due__lt=now)\nr = Q(**{f"{p}handle_due__lt": now})\n')
    assert len(_violations(sample)) == 2
