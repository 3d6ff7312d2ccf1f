import datetime as dt

import pytest
from django.utils import timezone

from linli.accounts.testing import system_user


@pytest.fixture
def root(db):
    return system_user()


@pytest.fixture
def make_resident(tree, root):
    from linli.registry import services as reg

    counter = iter(range(1, 10_000))

    def make(name=None, *, home=None, birth=dt.date(1985, 5, 1), account=None, id_number=""):
        n = next(counter)
        r = reg.resident_create(
            actor=root,
            name=name or f"居民{n}",
            home=home or tree.house_a1,
            birth_date=birth,
            id_type="id_card" if id_number else "",
            id_number=id_number,
        )
        if account is not None:
            type(r).objects.filter(pk=r.pk).update(account=account)
            r.refresh_from_db()
        return r

    return make


@pytest.fixture
def make_volunteer(make_resident, root):
    from linli.volunteering import services

    def make(name=None, **kw):
        return services.volunteer_register(actor=root, resident=make_resident(name, **kw), skills=["repair"])

    return make


@pytest.fixture
def me(tree, make_resident):
    """The resident_a1 login's own resident record, registered as a volunteer by themself."""
    from linli.volunteering import services

    user = tree.users["resident_a1"]
    resident = make_resident("王小明", account=user, id_number="34050419850501123X")
    return services.volunteer_register(actor=user, resident=resident, skills=["teaching"])


@pytest.fixture
def make_activity(tree):
    from linli.volunteering import services

    def make(*, start_in=dt.timedelta(days=2), length=dt.timedelta(hours=3), slots=5, publish=True, **fields):
        actor = tree.users["secretary_a1"]
        start = timezone.now() + start_in
        a = services.activity_create(
            actor=actor,
            community=tree.comm_a1,
            place=tree.compound_a1,
            title=fields.pop("title", "小区清洁日"),
            content="清理楼道杂物",
            starts_at=start,
            ends_at=start + length,
            slots=slots,
            person_in_charge="李书记",
            contact="0555-1234567",
            **fields,
        )
        if publish:
            a = services.activity_publish(actor=actor, activity=a)
        return a

    return make


def started(activity, *, ago=dt.timedelta(minutes=30)):
    """Move an activity's window so that it started ``ago`` (tests only: timestamps are otherwise fixed)."""
    from linli.volunteering.models import Activity

    length = activity.ends_at - activity.starts_at
    start = timezone.now() - ago
    Activity.objects.filter(pk=activity.pk).update(starts_at=start, ends_at=start + length)
    activity.refresh_from_db()
    return activity
