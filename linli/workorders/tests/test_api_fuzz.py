"""The core fuzz test (``linli/core/tests/test_api_fuzz.py``) for the work-order operations only, seeded with cases
that exist in several states, so garbage reaches the services: never a 5xx, every 4xx in the standard error body
(a 409 adds ``allowed``)."""

import pytest
from hypothesis import strategies as st

from linli.core.tests import test_api_fuzz as core
from linli.workorders import services as wo

pytestmark = pytest.mark.django_db

schemathesis = pytest.importorskip("schemathesis")


def cases_in_every_state(tree) -> list[int]:
    u = tree.users
    made = []
    for n in range(4):
        case = wo.case_create(
            actor=u["resident_a1"], category="noise", title=f"噪音{n}", description="夜间施工", place=tree.building_a1
        )
        made.append(case)
    wo.case_dispatch(actor=u["secretary_a1"], case=made[1], lead_org=tree.property_co)
    wo.case_dispatch(actor=u["secretary_a1"], case=made[2], lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=made[2])
    wo.extension_request(actor=u["property_staff"], case=made[2], days=2, reason="等配件")
    wo.case_complete(actor=u["property_staff"], case=made[2], reply="已处理")
    wo.case_whistle(actor=u["secretary_a1"], case=made[3], note="需区级协调")
    return [c.pk for c in made]


def test_workorder_operations_survive_fuzzing(tree, token_for):
    case_ids = cases_in_every_state(tree)
    from linli.workorders.models import ExtensionRequest

    ext_ids = list(ExtensionRequest.objects.values_list("pk", flat=True))
    pools = core.reference_pools(tree)

    def seed(case, data, pools):
        case = core.seed_case(case, data, pools)
        params = case.path_parameters
        if "pk" in params:
            params["pk"] = data.draw(st.sampled_from(case_ids))
        if "ext_id" in params:
            params["ext_id"] = data.draw(st.sampled_from(ext_ids))
        if isinstance(case.body, dict):
            for key in ("lead_org",):
                if key in case.body:
                    case.body[key] = data.draw(st.sampled_from(pools["orgs"]))
            if "into" in case.body:
                case.body["into"] = data.draw(st.sampled_from(case_ids))
            if "category" in case.body:
                case.body["category"] = data.draw(st.sampled_from(["noise", "elevator", "property-repair", "x"]))
        return case

    users = ("district_admin", "secretary_a1", "property_staff", "resident_a1")
    auth = {who: {"Authorization": token_for(who)["HTTP_AUTHORIZATION"]} for who in users}
    passes = [
        ("positive", core.GenerationMode.POSITIVE, False, "district_admin", 10),
        ("negative", core.GenerationMode.NEGATIVE, False, "district_admin", 10),
        *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 10) for who in users],
    ]
    core.run_fuzz(
        prefixes=("/api/v1/workorders",), passes=passes, auth=auth, pools=pools, seeder=seed, min_operations=20
    )
