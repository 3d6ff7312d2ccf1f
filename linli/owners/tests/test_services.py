import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from linli.accounts.testing import system_user
from linli.areas import services as areas
from linli.core.models import AuditLog
from linli.owners import services
from linli.owners.models import CommitteeSeat, OwnersCommittee

from .factories import END, START, TODAY, committee, own, owner, resident, seats

pytestmark = pytest.mark.django_db


def counts():
    return OwnersCommittee.objects.count(), CommitteeSeat.objects.count(), AuditLog.objects.count()


def refused(field, call, **kwargs):
    before = counts()
    with pytest.raises(ValidationError) as err:
        call(**kwargs)
    assert counts() == before, "a refused write leaves no row and no audit record"
    if field is not None:
        assert field in err.value.message_dict, err.value
    return err.value


def test_committee_create_is_scoped_to_the_compound_and_audited(tree):
    actor = tree.users["secretary_a1"]
    c = committee(tree.compound_a1, actor=actor, filed_on=START + dt.timedelta(days=10))
    assert c.scope_path == tree.compound_a1.path and c.is_active
    row = AuditLog.objects.get(object_type="owners.ownerscommittee", object_id=str(c.pk), action="create")
    assert row.actor_id == actor.pk and row.after["name"] == "怡心花园业主委员会"
    assert row.scope_path == tree.compound_a1.path


@pytest.mark.parametrize("where", ["comm_a1", "building_a1", "house_a1"])
def test_committee_create_refuses_a_place_that_is_not_a_compound(tree, where):
    err = refused(
        "compound",
        services.committee_create,
        actor=system_user(),
        compound=getattr(tree, where),
        name="某业委会",
        term_start=START,
        term_end=END,
    )
    assert "小区" in " ".join(err.message_dict["compound"])  # translated: "业主委员会对应一个小区…"


def test_committee_create_refuses_a_term_ending_before_it_starts(tree):
    refused(
        "term_end",
        services.committee_create,
        actor=system_user(),
        compound=tree.compound_a1,
        name="x",
        term_start=START,
        term_end=START - dt.timedelta(days=1),
    )


def test_committee_create_refuses_a_term_longer_than_five_years(tree):
    refused(
        "term_end",
        services.committee_create,
        actor=system_user(),
        compound=tree.compound_a1,
        name="x",
        term_start=START,
        term_end=services.add_years(START, 5) + dt.timedelta(days=1),
    )


def test_committee_create_refuses_filing_before_the_term(tree):
    refused(
        "filed_on",
        services.committee_create,
        actor=system_user(),
        compound=tree.compound_a1,
        name="x",
        term_start=START,
        term_end=END,
        filed_on=START - dt.timedelta(days=1),
    )


def test_committee_create_refuses_an_empty_name(tree):
    refused(
        "name",
        services.committee_create,
        actor=system_user(),
        compound=tree.compound_a1,
        name="  ",
        term_start=START,
        term_end=END,
    )


def test_one_active_committee_per_compound(tree):
    old = committee(tree.compound_a1)
    refused(
        "is_active",
        services.committee_create,
        actor=system_user(),
        compound=tree.compound_a1,
        name="新一届",
        term_start=TODAY,
        term_end=services.add_years(TODAY, 5),
    )
    services.committee_update(actor=system_user(), committee=old, is_active=False)
    new = committee(tree.compound_a1, start=TODAY, end=services.add_years(TODAY, 5), name="新一届")
    assert new.is_active
    refused("is_active", services.committee_update, actor=system_user(), committee=old, is_active=True)


def test_committee_create_out_of_scope_and_view_only_roles_are_denied(tree):
    compound_a2 = tree.building_a2.parent
    before = counts()
    for name, compound in [
        ("secretary_a1", compound_a2),
        ("grid_a", tree.compound_a1),
        ("head_a1", tree.compound_a1),
        ("resident_a1", tree.compound_a1),
    ]:
        with pytest.raises(PermissionDenied):
            committee(compound, actor=tree.users[name])
    assert counts() == before


def test_committee_update_is_audited_and_refuses_unknown_fields(tree):
    c = committee(tree.compound_a1)
    services.committee_update(actor=tree.users["street_a"], committee=c, filed_on=START + dt.timedelta(days=5))
    row = AuditLog.objects.get(object_id=str(c.pk), object_type="owners.ownerscommittee", action="update")
    assert row.before["filed_on"] is None and row.after["filed_on"] == str(START + dt.timedelta(days=5))
    refused("compound", services.committee_update, actor=system_user(), committee=c, compound=tree.comm_a1)
    refused(
        "term_end", services.committee_update, actor=system_user(), committee=c, term_end=START - dt.timedelta(days=1)
    )
    with pytest.raises(PermissionDenied):
        services.committee_update(actor=tree.users["grid_a"], committee=c, name="改名")


def test_seat_add_for_residents_of_the_community_and_audited(tree):
    c = committee(tree.compound_a1)
    actor = tree.users["social_a1"]
    # an owner of a flat in the compound who lives outside it may hold a seat
    outside_compound = resident(None, registered_at=tree.comm_a1)
    own(outside_compound, tree.house_a1)
    assert outside_compound.scope_path == tree.comm_a1.path
    for r, position in [(owner(tree.house_a1), "chair"), (outside_compound, "member")]:
        seat = services.seat_add(actor=actor, committee=c, resident=r, position=position, since=START)
        assert seat.scope_path == c.scope_path and seat.until is None
        row = AuditLog.objects.get(object_type="owners.committeeseat", object_id=str(seat.pk), action="create")
        assert row.actor_id == actor.pk and row.after["resident_id"] == r.pk


def test_seat_add_refusals(tree):
    c = committee(tree.compound_a1)
    (seat,) = seats(c, 1, home=tree.house_a1)
    kw = {"actor": system_user(), "committee": c}
    refused("resident", services.seat_add, **kw, resident=seat.resident, since=START)  # holds a current seat
    refused("resident", services.seat_add, **kw, resident=owner(tree.house_a2), since=START)  # other community
    refused("resident", services.seat_add, **kw, resident=owner(tree.house_b1), since=START)
    refused("resident", services.seat_add, **kw, resident=None)
    refused("since", services.seat_add, **kw, resident=owner(tree.house_a1), since=START - dt.timedelta(days=1))
    refused("since", services.seat_add, **kw, resident=owner(tree.house_a1), since=END + dt.timedelta(days=1))
    refused("position", services.seat_add, **kw, resident=owner(tree.house_a1), position="boss", since=START)
    gone = owner(tree.house_a1)
    type(gone).objects.filter(pk=gone.pk).update(is_active=False)
    gone.refresh_from_db()
    refused("resident", services.seat_add, **kw, resident=gone, since=START)
    services.committee_update(actor=system_user(), committee=c, is_active=False)
    refused(None, services.seat_add, **kw, resident=owner(tree.house_a1), since=START)


def _not_an_owner(tree, c, person, since=START):
    err = refused("resident", services.seat_add, actor=system_user(), committee=c, resident=person, since=since)
    text = " ".join(err.message_dict["resident"])
    assert tree.compound_a1.name in text and "业主" in text and person.name in text  # zh_Hans, names who and where
    return text


def test_only_an_owner_in_the_compound_may_hold_a_seat(tree):
    """建房〔2009〕274号: committee members are owners in the compound; a tenant or an owner elsewhere is refused."""
    c = committee(tree.compound_a1)
    tenant = resident(tree.house_a1)
    own(tenant, tree.house_a1, kind="tenant")
    _not_an_owner(tree, c, tenant)
    _not_an_owner(tree, c, resident(tree.house_a1))  # lives in an owner's flat, owns nothing
    elsewhere = resident(tree.house_a1)  # lives here, owns a flat in another compound of another community
    own(elsewhere, tree.house_a2)
    _not_an_owner(tree, c, elsewhere)
    co_owner = resident(tree.house_a1)
    own(co_owner, tree.house_a1, kind="co_owner")
    assert services.seat_add(actor=system_user(), committee=c, resident=co_owner, since=START).pk


def test_ownership_must_cover_the_seat_from_its_start_until_today(tree):
    from linli.registry import services as registry

    c = committee(tree.compound_a1)
    late = resident(tree.house_a1)  # bought after the seat would start
    own(late, tree.house_a1, since=START + dt.timedelta(days=30))
    _not_an_owner(tree, c, late, since=START)
    assert services.seat_add(actor=system_user(), committee=c, resident=late, since=START + dt.timedelta(days=30))
    sold = resident(tree.house_a1)  # owned at the start, sold since
    holding = own(sold, tree.house_a1)
    registry.occupancy_end(actor=system_user(), occupancy=holding, until=TODAY - dt.timedelta(days=10))
    _not_an_owner(tree, c, sold, since=START)


def test_a_seat_held_until_a_future_day_is_current(tree):
    c = committee(tree.compound_a1)
    (seat,) = seats(c, 1, home=tree.house_a1)
    services.seat_end(actor=system_user(), seat=seat, until=TODAY + dt.timedelta(days=10))
    refused("resident", services.seat_add, actor=system_user(), committee=c, resident=seat.resident, since=START)


def test_seat_add_denied_out_of_scope_and_for_viewers(tree):
    c = committee(tree.compound_a1)
    r = resident(tree.house_a1)
    before = counts()
    for name in ("grid_a", "head_a1", "resident_a1", "dept_staff"):
        with pytest.raises(PermissionDenied):
            services.seat_add(actor=tree.users[name], committee=c, resident=r, since=START)
    c2 = committee(tree.building_a2.parent)
    with pytest.raises(PermissionDenied):
        services.seat_add(actor=tree.users["secretary_a1"], committee=c2, resident=r, since=START)
    assert counts()[1:2] == before[1:2]


def test_seat_end_is_audited_and_refusals(tree):
    c = committee(tree.compound_a1)
    (seat,) = seats(c, 1, home=tree.house_a1)
    refused("until", services.seat_end, actor=system_user(), seat=seat, until=START - dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.seat_end(actor=tree.users["grid_a"], seat=seat)
    services.seat_end(actor=tree.users["secretary_a1"], seat=seat)
    seat.refresh_from_db()
    assert seat.until == TODAY
    row = AuditLog.objects.get(object_type="owners.committeeseat", object_id=str(seat.pk), action="end")
    assert row.before["until"] is None and row.after["until"] == str(TODAY)
    refused("until", services.seat_end, actor=system_user(), seat=seat)
    # once ended the resident may be seated again (re-elected)
    again = services.seat_add(actor=system_user(), committee=c, resident=seat.resident, since=TODAY)
    assert again.pk != seat.pk


def test_place_move_rewrites_the_paths(tree):
    from linli.areas.models import Place

    c = committee(tree.compound_a1)
    (seat,) = seats(c, 1, home=tree.house_a1)
    areas.place_move(actor=system_user(), place=tree.compound_a1, new_parent=tree.comm_a2)
    moved = Place.objects.get(pk=tree.compound_a1.pk)
    c.refresh_from_db()
    seat.refresh_from_db()
    assert c.scope_path == moved.path == seat.scope_path
    assert moved.path.startswith(tree.comm_a2.path)
