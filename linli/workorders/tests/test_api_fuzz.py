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
        case = wo.case_create(actor=u["resident_a1"], category="noise", title=f"噪音{n}", description="夜间施工",
                              place=tree.building_a1)
        made.append(case)
    wo.case_dispatch(actor=u["secretary_a1"], case=made[1], lead_org=tree.property_co)
    wo.case_dispatch(actor=u["secretary_a1"], case=made[2], lead_org=tree.property_co)
    wo.case_sign(actor=u["property_staff"], case=made[2])
    wo.extension_request(actor=u["property_staff"], case=made[2], days=2, reason="等配件")
    wo.case_complete(actor=u["property_staff"], case=made[2], reply="已处理")
    wo.case_whistle(actor=u["secretary_a1"], case=made[3], note="需区级协调")
    return [c.pk for c in made]


def test_workorder_operations_survive_fuzzing(tree, token_for):
    from django.core.wsgi import get_wsgi_application

    case_ids = cases_in_every_state(tree)
    from linli.workorders.models import ExtensionRequest

    ext_ids = list(ExtensionRequest.objects.values_list("pk", flat=True))
    pools = core.reference_pools(tree)
    original = core.seed_case

    def seed(case, data, pools):
        case = original(case, data, pools)
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
    checks = [core.not_a_server_error, core.error_body_shape]
    passes = [("positive", core.GenerationMode.POSITIVE, False, "district_admin", 10),
              ("negative", core.GenerationMode.NEGATIVE, False, "district_admin", 10),
              *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 10) for who in users]]
    failures, ran = [], 0
    core.seed_case = seed
    try:
        with core.in_process_requests():
            schema = schemathesis.openapi.from_wsgi(core.SCHEMA_PATH, get_wsgi_application())
            operations = [r.ok() for r in schema.get_all_operations()]
            operations = [op for op in operations if op.path.startswith("/api/v1/workorders")]
            assert len(operations) >= 20, [op.label for op in operations]
            for operation in operations:
                for label, mode, seeded, who, n in passes:
                    try:
                        ran += core.fuzz(operation, mode, seeded=seeded, headers=auth[who], checks=checks,
                                         pools=pools, max_examples=n)
                    except (Exception, core.FailureGroup) as exc:
                        failures.append(f"{operation.label} [{label}]: {exc}")
    finally:
        core.seed_case = original
    assert not failures, "\n\n".join(failures)
    assert ran >= len(operations) * len(passes)
