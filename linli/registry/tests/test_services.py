import datetime as dt
from fractions import Fraction

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection

from linli.core import crypto
from linli.core.models import AuditLog
from linli.registry import services
from linli.registry.models import Occupancy, Resident

pytestmark = pytest.mark.django_db

ID = "11010519491231002X"


def make(tree, actor="secretary_a1", **kw):
    kw.setdefault("name", "张三丰")
    kw.setdefault("home", tree.house_a1)
    return services.resident_create(actor=tree.users[actor], **kw)


def test_no_plaintext_personal_numbers_in_the_database(tree):
    r = make(tree, id_number=ID.lower(), phone="13812345678")
    with connection.cursor() as cur:
        cur.execute("SELECT * FROM registry_resident WHERE id = %s", [r.pk])
        row = " ".join(str(v) for v in cur.fetchone())
    assert ID not in row and "13812345678" not in row
    assert r.id_masked == "110105********002X" and r.phone_masked == "138****5678"
    assert r.gender == "F" and r.birth_date == dt.date(1949, 12, 31)
    assert r.name_initials == "zsf"
    assert crypto.decrypt(r.id_cipher) == ID


def test_legacy_15_digit_and_bad_checksums(tree):
    r = make(tree, id_number="440524800101001")  # legacy: 19 inserted, check character computed
    assert r.birth_date == dt.date(1980, 1, 1)
    assert crypto.decrypt(r.id_cipher) == "44052419800101001" + crypto.decrypt(r.id_cipher)[-1]
    assert len(crypto.decrypt(r.id_cipher)) == 18
    with pytest.raises(ValidationError) as exc:
        make(tree, name="李四", id_number="110105194912310021")
    assert "id_number" in exc.value.message_dict


def test_one_person_one_record(tree):
    make(tree, id_number=ID)
    n = Resident.objects.count()
    with pytest.raises(ValidationError) as exc:
        make(tree, name="同一人", id_number=ID.lower())
    assert "id_number" in exc.value.message_dict
    assert Resident.objects.count() == n


def test_birth_date_and_gender_cross_checked(tree):
    with pytest.raises(ValidationError) as exc:
        make(tree, id_number=ID, birth_date=dt.date(1950, 1, 1))
    assert "birth_date" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        make(tree, id_number=ID, gender="M")
    assert "gender" in exc.value.message_dict


def test_reveal_needs_the_right_and_is_audited(tree):
    r = make(tree, id_number=ID, phone="13812345678")
    shown = services.reveal(actor=tree.users["secretary_a1"], resident=r, field="phone", purpose="核实联系方式")
    assert shown == "13812345678"
    assert AuditLog.objects.filter(action="unmask", object_id=str(r.pk), actor_name="secretary_a1").exists()
    with pytest.raises(PermissionDenied):
        # building head: view only
        services.reveal(actor=tree.users["head_a1"], resident=r, field="id_number", purpose="核实身份")
    with pytest.raises(PermissionDenied):
        services.reveal(
            actor=tree.users["secretary_a1"].__class__.objects.get(username="grid_a"),
            resident=make(tree, name="外格", home=tree.house_a2, actor="district_admin"),
            field="id_number",
            purpose="核实身份",
        )


def test_household_move_in_and_out_keeps_history(tree):
    head = make(tree, id_number=ID)
    child = make(tree, name="张小三")
    h = services.household_create(
        actor=tree.users["secretary_a1"], house=tree.house_a1, head=head, since=dt.date(2020, 1, 1)
    )
    m = services.household_move_in(
        actor=tree.users["secretary_a1"], household=h, resident=child, relation="child", since=dt.date(2021, 5, 1)
    )
    services.household_move_out(actor=tree.users["secretary_a1"], membership=m, until=dt.date(2024, 9, 1))
    assert h.memberships.count() == 2
    assert h.memberships.filter(until__isnull=True).count() == 1
    with pytest.raises(ValidationError):
        services.household_move_out(actor=tree.users["secretary_a1"], membership=m, until=dt.date(2025, 1, 1))


def test_co_owner_shares_are_exact_and_bounded(tree):
    a, b = make(tree, name="甲"), make(tree, name="乙")
    actor = tree.users["secretary_a1"]
    services.occupancy_add(
        actor=actor, house=tree.house_a1, resident=a, kind="co_owner", share=Fraction(2, 3), since=dt.date(2020, 1, 1)
    )
    with pytest.raises(ValidationError):
        services.occupancy_add(
            actor=actor,
            house=tree.house_a1,
            resident=b,
            kind="co_owner",
            share=Fraction(1, 2),
            since=dt.date(2020, 1, 1),
        )
    o = services.occupancy_add(
        actor=actor, house=tree.house_a1, resident=b, kind="co_owner", share=Fraction(1, 3), since=dt.date(2020, 1, 1)
    )
    assert sum(x.share for x in Occupancy.objects.filter(house=tree.house_a1)) == 1
    assert o.share == Fraction(1, 3)


def test_key_rotation(tree, settings):
    old = crypto.generate_key()
    settings.LINLI_DATA_KEYS = [old]
    r = make(tree, id_number=ID)
    new = crypto.generate_key()
    settings.LINLI_DATA_KEYS = [new, old]
    rotated = crypto.rotate(r.id_cipher)
    settings.LINLI_DATA_KEYS = [new]
    assert crypto.decrypt(rotated) == ID
    with pytest.raises(ValueError):
        crypto.decrypt(r.id_cipher)  # the old ciphertext needs the old key


def test_duplicate_outside_scope_names_no_record(tree):
    """Issue 11 item 8: a number registered outside the actor's area is refused without the other record's
    masked number, record number or name — only whom to ask. Inside the area the record may be named."""
    other = make(tree, name="外区居民", home=tree.house_a2, id_number=ID, actor="district_admin")
    with pytest.raises(ValidationError) as exc:
        make(tree, name="同一人", id_number=ID, actor="grid_a")
    message = " ".join(exc.value.message_dict["id_number"])
    assert other.id_masked not in message and "002X" not in message
    assert str(other.pk) not in message and other.name not in message
    assert "数据管理员" in message
    with pytest.raises(ValidationError) as exc:  # the district sees it: the record may be named
        make(tree, name="同一人", id_number=ID, actor="district_admin")
    assert f"#{other.pk}" in " ".join(exc.value.message_dict["id_number"])
    mine = make(tree, name="本网格", actor="grid_a")
    with pytest.raises(ValidationError) as exc:  # an update too
        services.resident_update(actor=tree.users["grid_a"], resident=mine, id_number=ID)
    message = " ".join(exc.value.message_dict["id_number"])
    assert str(other.pk) not in message and "002X" not in message
