"""The core fuzz test (``linli/core/tests/test_api_fuzz.py``) for the meetings and learning operations only, seeded
with an open meeting (quorum met) and a course with a quiz, so garbage reaches the services: never a 5xx, every
4xx in the standard error body."""

import pytest
from hypothesis import strategies as st

from linli.core.tests import test_api_fuzz as core
from linli.learning import services as learning
from linli.meetings import services

from .factories import meeting

pytestmark = pytest.mark.django_db

schemathesis = pytest.importorskip("schemathesis")


def test_meeting_and_learning_operations_survive_fuzzing(tree, token_for):
    m, users = meeting(tree, n_invitees=2, items=("议题一", "议题二"))
    for u in users:
        services.check_in(actor=u, meeting=m)
    item_ids = list(m.items.values_list("pk", flat=True))
    sec = tree.users["secretary_a1"]
    course = learning.course_create(
        actor=sec, place=tree.comm_a1, title="课", kind="article", body="正文", is_published=True, max_attempts=0
    )
    learning.question_add(actor=sec, course=course, text="q", kind="single", options=["a", "b"], correct=[0])
    learning.assign_course(actor=sec, course=course, users=users)
    pools = core.reference_pools(tree)

    def seed(case, data, pools):
        case = core.seed_case(case, data, pools)
        params = case.path_parameters
        if "meeting_id" in params:
            params["meeting_id"] = data.draw(st.sampled_from([m.pk, m.pk + 999]))
        if "item_id" in params:
            params["item_id"] = data.draw(st.sampled_from(item_ids))
        if "course_id" in params:
            params["course_id"] = data.draw(st.sampled_from([course.pk, course.pk + 999]))
        return case

    who_all = ("secretary_a1", users[0].username, "resident_a1")
    auth = {who: {"Authorization": token_for(who)["HTTP_AUTHORIZATION"]} for who in who_all}
    passes = [
        ("positive", core.GenerationMode.POSITIVE, False, "secretary_a1", 8),
        ("negative", core.GenerationMode.NEGATIVE, False, "secretary_a1", 8),
        *[(f"seeded, {who}", core.GenerationMode.POSITIVE, True, who, 8) for who in who_all],
    ]
    core.run_fuzz(
        prefixes=("/api/v1/meetings", "/api/v1/learning"),
        passes=passes,
        auth=auth,
        pools=pools,
        seeder=seed,
        min_operations=9,
    )
