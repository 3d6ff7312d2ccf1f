"""The core fuzz test (``linli/core/tests/test_api_fuzz.py``) for the volunteering operations only, seeded with an
activity and sign-ups that exist, so garbage reaches the services: never a 5xx, every 4xx in the standard body."""

import pytest
from hypothesis import strategies as st

from linli.core.tests import test_api_fuzz as core
from linli.volunteering import services

pytestmark = pytest.mark.django_db

schemathesis = pytest.importorskip("schemathesis")


def test_volunteering_operations_survive_fuzzing(tree, token_for, make_activity, me, make_volunteer):
    a = make_activity()
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    other = services.signup_create(actor=tree.users["secretary_a1"], activity=a, volunteer=make_volunteer())
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="in")
    pools = core.reference_pools(tree)

    def seed(case, data, pools):
        case = core.seed_case(case, data, pools)
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
    passes = [
        ("positive", core.GenerationMode.POSITIVE, False, "district_admin", 6),
        ("negative", core.GenerationMode.NEGATIVE, False, "district_admin", 6),
        *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 5) for who in users],
    ]
    core.run_fuzz(
        prefixes=("/api/v1/volunteering",), passes=passes, auth=auth, pools=pools, seeder=seed, min_operations=7
    )
