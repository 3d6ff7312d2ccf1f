"""The core fuzz test (``linli/core/tests/test_api_fuzz.py``) for the party operations only, seeded with
organisations, members and in-service members that exist, so garbage reaches the services: never a 5xx, every
4xx in the standard error body."""

import pytest
from hypothesis import strategies as st

from linli.core.tests import test_api_fuzz as core

from .factories import branch, inservice, members

pytestmark = pytest.mark.django_db

schemathesis = pytest.importorskip("schemathesis")


def test_party_operations_survive_fuzzing(tree, token_for):
    b = branch(tree)
    b2 = branch(tree, place=tree.comm_a2)
    ms = members(b, 3, home=tree.house_a1) + members(b2, 1, home=tree.house_a2)
    ins = inservice(tree)
    org_ids = [b.pk, b2.pk, b.parent_id]
    member_ids = [m.pk for m in ms] + [ins.pk]
    resident_ids = [m.resident_id for m in ms]
    pools = core.reference_pools(tree)

    def seed(case, data, pools):
        case = core.seed_case(case, data, pools)
        params = case.path_parameters
        if "org_id" in params:
            params["org_id"] = data.draw(st.sampled_from(org_ids))
        if "member_id" in params:
            params["member_id"] = data.draw(st.sampled_from(member_ids))
        for container in (case.query, case.body):
            if not isinstance(container, dict):
                continue
            for key in list(container):
                if key in ("parent_id", "to_org_id", "group_id", "org"):
                    container[key] = data.draw(st.sampled_from(org_ids))
                elif key == "resident_id":
                    container[key] = data.draw(st.sampled_from(resident_ids))
                elif key in ("employer_id", "organisation_id"):
                    container[key] = data.draw(st.sampled_from(pools["orgs"]))
        return case

    users = ("district_admin", "secretary_a1", "dept_staff", "resident_a1")
    auth = {who: {"Authorization": token_for(who)["HTTP_AUTHORIZATION"]} for who in users}
    passes = [
        ("positive", core.GenerationMode.POSITIVE, False, "district_admin", 8),
        ("negative", core.GenerationMode.NEGATIVE, False, "district_admin", 8),
        *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 6) for who in users],
    ]
    core.run_fuzz(prefixes=("/api/v1/party",), passes=passes, auth=auth, pools=pools, seeder=seed, min_operations=12)
