"""The type-ahead pickers: every endpoint lists only what the user may see (pinyin initials match too), and a
form takes the picked value and refuses one out of scope."""

import re

import pytest
from django.urls import reverse

from linli.accounts.testing import system_user
from linli.core.widgets import Picker
from linli.registry import services
from linli.registry.pickers import ResidentChoiceField
from linli.visits.models import Pairing

pytestmark = pytest.mark.django_db


def make(tree, name, home, **kw):
    return services.resident_create(actor=system_user(), name=name, home=home, **kw)


@pytest.fixture
def people(tree):
    return {
        "here": make(tree, "张三丰", tree.house_a1, birth_date="1950-03-12", political_status="cpc_member"),
        "same_name": make(tree, "张三丰", tree.house_a1, birth_date="1982-07-01"),
        "far": make(tree, "张三丰", tree.house_b1, political_status="cpc_member"),  # another street
        "west": make(tree, "张三", tree.house_a2),  # the other community of street A
    }


def options(client, user, url_name, **params):
    client.force_login(user)
    resp = client.get(reverse(url_name), params)
    assert resp.status_code == 200
    html = resp.content.decode()
    return re.findall(r'data-value="([^"]*)" data-label="([^"]*)"', html), html


def test_resident_picker_lists_only_residents_in_scope_by_name_or_pinyin_initials(client, tree, people):
    sec = tree.users["secretary_a1"]
    for q in ("张三丰", "zsf", "zhangsanf"):
        found, _html = options(client, sec, "registry:pick_residents", q=q)
        assert sorted(int(v) for v, _label in found) == sorted([people["here"].pk, people["same_name"].pk]), q
    # two people of the same name are told apart (birth year, home), never by the full ID number
    found, _html = options(client, sec, "registry:pick_residents", q="zsf")
    labels = dict(found)
    assert "1950" in labels[str(people["here"].pk)] and "1982" in labels[str(people["same_name"].pk)]
    assert all("怡心花园 1栋 1单元 101" in label for label in labels.values())
    # the street sees both its communities; nobody without a role sees anyone
    found, _html = options(client, tree.users["street_a"], "registry:pick_residents", q="zs")
    assert {int(v) for v, _ in found} == {people["here"].pk, people["same_name"].pk, people["west"].pk}
    assert options(client, tree.users["nobody"], "registry:pick_residents", q="zs")[0] == []
    # a form may narrow the list to party members, by name, never by a raw filter
    found, _html = options(client, sec, "registry:pick_residents", q="zsf", only="party")
    assert [int(v) for v, _ in found] == [people["here"].pk]
    found, _html = options(client, sec, "registry:pick_residents", q="zsf", only="political_status")
    assert len(found) == 2


def test_place_and_house_pickers_list_only_places_in_scope(client, tree, people):
    sec = tree.users["secretary_a1"]
    found, _html = options(client, sec, "areas:pick_places", q="花园")
    codes = {v for v, _ in found}
    assert tree.compound_a1.code in codes and tree.house_a1.code in codes
    assert tree.comm_b1.code not in codes and tree.house_b1.code not in codes  # 半山花园 is another street's
    found, _html = options(client, sec, "areas:pick_places", q="怡心 101", levels="7")
    assert found == [(tree.house_a1.code, "怡心花园 1栋 1单元 101")]
    assert options(client, sec, "areas:pick_places", q=tree.house_b1.code[:15])[0] == []
    # a house by the name (or pinyin) of someone living there
    found, _html = options(client, sec, "registry:pick_houses", q="zsf")
    assert [v for v, _ in found] == [tree.house_a1.code]
    assert options(client, sec, "registry:pick_houses", q="张三")[0] == [(tree.house_a1.code, "怡心花园 1栋 1单元 101")]


def test_household_picker_finds_a_household_by_a_members_name(client, tree, people):
    root = system_user()
    mine = services.household_create(actor=root, house=tree.house_a1, head=people["here"], since="2020-01-01")
    services.household_create(actor=root, house=tree.house_b1, head=people["far"], since="2020-01-01")
    found, _html = options(client, tree.users["secretary_a1"], "registry:pick_households", q="zsf")
    assert found == [(mine.number, "张三丰 · 怡心花园 1栋 1单元 101")]


def test_the_pairing_form_takes_a_picked_member_and_refuses_one_out_of_scope(client, tree, people):
    needy = make(tree, "陈老伯", tree.house_a1)
    client.force_login(tree.users["secretary_a1"])
    url = reverse("visits:pairing_create") + f"?resident={needy.pk}"
    page = client.get(url).content.decode()
    assert "data-picker" in page and "张三丰" not in page  # a search box, not a select of every member
    base = {"resident": needy.pk, "partner_kind": "in_service", "since": "2026-01-05"}
    for refused in (people["far"], people["same_name"]):  # out of scope; not a party member
        resp = client.post(url, {**base, "partner_resident": refused.pk, "partner_resident_label": "张三丰"})
        assert resp.status_code == 200 and "field-error" in resp.content.decode()
        assert 'value="张三丰"' in resp.content.decode()  # the typed text is kept, nothing is looked up
    assert not Pairing.objects.exists()
    resp = client.post(url, {**base, "partner_resident": people["here"].pk})
    assert resp.status_code == 302
    assert Pairing.objects.get().partner_resident == people["here"]


def test_the_widget_shows_the_label_of_an_initial_value_from_the_fields_scoped_queryset(tree, people):
    from django import forms

    from linli.registry.models import Resident

    class F(forms.Form):
        who = ResidentChoiceField(label="who", queryset=Resident.objects.filter(pk=people["here"].pk))

    html = str(F(initial={"who": people["here"].pk})["who"])
    assert 'name="who"' in html and 'name="who_label"' in html and "张三丰 · " in html and "1950" in html
    assert "张三丰" not in str(F(initial={"who": people["far"].pk})["who"])  # not in the queryset: no label
    assert isinstance(F.base_fields["who"].widget, Picker)
