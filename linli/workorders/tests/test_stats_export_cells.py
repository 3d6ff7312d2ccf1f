"""The statistics export writes names as text: a department called =HYPERLINK(…) is no live formula
(issue #11 item 4)."""

import pytest

from linli.core.testing import FORMULA_NAME, assert_text_not_formula
from linli.orgs.models import Organisation
from linli.workorders import services as wo

pytestmark = pytest.mark.django_db


def test_names_in_the_statistics_export_are_text_not_formulas(tree, client):
    Organisation.objects.filter(pk=tree.property_co.pk).update(name=FORMULA_NAME)
    sec = tree.users["secretary_a1"]
    case = wo.case_create(
        actor=sec,
        category="municipal-light",
        title="路灯不亮",
        description="d",
        place=tree.building_a1,
        source="patrol",
        case_type="help",
    )
    wo.case_dispatch(actor=sec, case=case, lead_org=tree.property_co)
    client.force_login(sec)
    response = client.get("/workorders/stats/export.xlsx")
    assert response.status_code == 200
    cells = assert_text_not_formula(response)
    assert {c.parent.title for c in cells} == {"按部门"}
