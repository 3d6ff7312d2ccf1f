"""Who sees and changes owners' decisions: staff of the compound's tree change them; property staff of the managing
company, grid workers, building heads and residents of the compound read them; other organisations see nothing."""

import pytest

from linli.core.permissions import Action, can
from linli.votes import selectors, services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "who, sees, changes",
    [
        ("district_admin", True, True),
        ("street_a", True, True),
        ("secretary_a1", True, True),
        ("social_a1", True, True),
        ("grid_a", True, False),
        ("head_a1", True, False),
        ("property_staff", True, False),
        ("resident_a1", True, False),
        ("dept_staff", False, False),
        ("nobody", False, False),
    ],
)
def test_roles_on_a_compound_decision(tree, who, sees, changes):
    d = services.decision_create(
        actor=tree.users["secretary_a1"], compound=tree.compound_a1, matter_type=4, title="续聘物业", text="是否续聘"
    )
    user = tree.users[who]
    assert selectors.decisions(user).filter(pk=d.pk).exists() is sees
    assert can(user, Action.CHANGE, d) is changes
