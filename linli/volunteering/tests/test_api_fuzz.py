"""The core fuzz test (``linli/core/tests/test_api_fuzz.py``) for the volunteering operations only, seeded with an
activity and sign-ups that exist, so garbage reaches the services: never a 5xx, every 4xx in the standard body."""

import pytest
from hypothesis import strategies as st

from linli.core.tests import test_api_fuzz as core
from linli.volunteering import services

pytestmark = pytest.mark.django_db

schemathesis = pytest.importorskip("schemathesis")


def test_volunteering_operations_survive_fuzzing(tree, token_for, make_activity, me, make_volunteer):
    from django.core.wsgi import get_wsgi_application

    a = make_activity()
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    other = services.signup_create(actor=tree.users["secretary_a1"], activity=a, volunteer=make_volunteer())
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="in")
    pools = core.reference_pools(tree)
    original = core.seed_case

    def seed(case, data, pools):
        case = original(case, data, pools)
        params = case.path_parameters
        if "activity_id" in params:
            params["activity_id"] = data.draw(st.sampled_from([a.pk, a.pk + 1000]))
        if "signup_id" in params:
            params["signup_id"] = data.draw(st.sampled_from([s.pk, other.pk]))
        if isinstance(case.body, dict) and "code" in case.body:
            case.body["code"] = data.draw(st.sampled_from([code, code[:-3] + "abc", case.body["code"]]))
        return case

    users = ("district_admin", "secretary_a1", "dept_staff", "resident_a1")
    auth = {who: {"Authorization": token_for(who)["HTTP_AUTHORIZATION"]} for who in users}
    checks = [core.not_a_server_error, core.error_body_shape]
    passes = [("positive", core.GenerationMode.POSITIVE, False, "district_admin", 6),
              ("negative", core.GenerationMode.NEGATIVE, False, "district_admin", 6),
              *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 5) for who in users]]
    failures, ran = [], 0
    core.seed_case = seed
    try:
        with core.in_process_requests():
            schema = schemathesis.openapi.from_wsgi(core.SCHEMA_PATH, get_wsgi_application())
            operations = [r.ok() for r in schema.get_all_operations()]
            operations = [op for op in operations if op.path.startswith("/api/v1/volunteering")]
            assert len(operations) >= 7, [op.label for op in operations]
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
