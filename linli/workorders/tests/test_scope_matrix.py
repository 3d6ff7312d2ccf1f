"""Who sees which case: every role of the test tree against a case in and out of their scope."""

import pytest

from linli.core.permissions import restrict
from linli.workorders import services as wo
from linli.workorders.models import Case

pytestmark = pytest.mark.django_db

# username → (sees the case in 雨秀社区 assigned to the property company, sees the case in 半山花园社区)
EXPECTED = {
    "district_admin": (True, True),
    "dispatcher": (True, True),
    "street_a": (True, False),
    "secretary_a1": (True, False),
    "social_a1": (True, False),
    "grid_a": (True, False),
    "head_a1": (True, False),
    "dept_staff": (False, True),  # only what is assigned to 住建局
    "dept_other_staff": (False, False),
    "property_staff": (True, False),  # assigned to the property company
    "resident_a1": (True, False),  # reported it
    "nobody": (False, False),
}


def test_case_visibility_matrix(tree):
    u = tree.users
    mine = wo.case_create(
        actor=u["resident_a1"], category="elevator", title="电梯停运", description="d", place=tree.house_a1
    )
    wo.case_dispatch(actor=u["secretary_a1"], case=mine, lead_org=tree.property_co)
    far = wo.case_create(
        actor=u["district_admin"],
        category="noise",
        title="噪音",
        description="d",
        place=tree.building_b1,
        source="hotline",
        reporter_name="王女士",
    )
    wo.case_dispatch(actor=u["dispatcher"], case=far, lead_org=tree.dept)
    assert set(EXPECTED) == set(u), "every test user has an expectation"
    for name, (sees_mine, sees_far) in EXPECTED.items():
        visible = set(restrict(Case.objects.all(), u[name]).values_list("pk", flat=True))
        assert (mine.pk in visible, far.pk in visible) == (sees_mine, sees_far), name


def test_pages_answer_404_out_of_scope(tree, client):
    far = wo.case_create(
        actor=tree.users["district_admin"],
        category="noise",
        title="噪音",
        description="d",
        place=tree.building_b1,
        source="hotline",
        reporter_name="王女士",
    )
    client.force_login(tree.users["secretary_a1"])
    assert client.get(f"/workorders/cases/{far.pk}/").status_code == 404
