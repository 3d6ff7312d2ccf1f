"""The resident 360° page shows the cases the resident reported, to those who may see them; never anonymous ones."""

import pytest

from linli.registry import services as registry
from linli.workorders import services as wo

pytestmark = pytest.mark.django_db


def test_resident_page_lists_their_reports(tree, client):
    u = tree.users
    person = registry.resident_create(actor=u["secretary_a1"], name="赵大爷", home=tree.house_a1)
    wo.case_create(
        actor=u["secretary_a1"],
        category="elevator",
        title="电梯停运请修理",
        description="d",
        place=tree.house_a1,
        source="counter",
        reporter_resident=person,
        reporter_name="赵大爷",
    )
    wo.case_create(
        actor=u["secretary_a1"],
        category="noise",
        title="匿名噪音投诉",
        description="d",
        place=tree.house_a1,
        source="counter",
        reporter_resident=person,
        confidentiality="anonymous",
    )
    client.force_login(u["secretary_a1"])
    page = client.get(f"/registry/residents/{person.pk}/").content.decode()
    assert "电梯停运请修理" in page
    assert "匿名噪音投诉" not in page
