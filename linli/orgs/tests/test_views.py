import pytest
from django.urls import reverse

from linli.core.models import AuditLog
from linli.core.testing import count_queries
from linli.core.validators import credit_code_check_char
from linli.orgs.models import Organisation

pytestmark = pytest.mark.django_db

BASE = "91340504MA2T0P1X1"
GOOD_CODE = BASE + credit_code_check_char(BASE)


@pytest.fixture
def login(client, tree):
    def _login(username):
        client.force_login(tree.users[username])
        return client

    return _login


def org_data(tree, **overrides):
    data = {
        "kind": "department",
        "name": "雨山区民政局",
        "short_name": "民政局",
        "credit_code": GOOD_CODE,
        "area": tree.district.code,
        "managed_compounds": "",
        "contact_name": "王主任",
        "contact_phone": "0555-2345678",
        "address": "雨山路1号",
    }
    data.update(overrides)
    return data


def test_anonymous_is_sent_to_login(client):
    resp = client.get(reverse("orgs:list"))
    assert resp.status_code == 302
    assert reverse("accounts:login") in resp["Location"]


def test_list_shows_orgs_in_scope_and_filters(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("orgs:list"))
    assert resp.status_code == 200
    body = resp.content.decode()
    for org in (tree.dept, tree.dept_other, tree.property_co):
        assert org.name in body
    assert 'data-testid="org-add"' in body

    resp = client.get(reverse("orgs:list"), {"kind": "property"})
    assert list(resp.context["object_list"]) == [tree.property_co]

    resp = client.get(reverse("orgs:list"), {"q": "城市管理"})
    assert list(resp.context["object_list"]) == [tree.dept_other]


def test_list_htmx_returns_only_the_results_fragment(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("orgs:list"), {"kind": "department"}, HTTP_HX_REQUEST="true")
    body = resp.content.decode()
    assert resp.status_code == 200
    assert body.lstrip().startswith('<div id="results">')
    assert "<html" not in body
    assert tree.dept.name in body and tree.property_co.name not in body


def test_list_is_scoped(tree, login):
    from linli.accounts.testing import system_user
    from linli.orgs import services

    far = services.organisation_create(actor=system_user(), area=tree.comm_b1, kind="social", name="半山志愿者协会")
    near = services.organisation_create(actor=system_user(), area=tree.comm_a1, kind="social", name="雨秀志愿者协会")
    client = login("secretary_a1")
    names = {o.name for o in client.get(reverse("orgs:list")).context["object_list"]}
    assert near.name in names
    assert tree.dept.name in names  # the district's departments are visible upwards
    assert far.name not in names
    assert client.get(reverse("orgs:detail", args=[far.pk])).status_code == 404
    assert client.get(reverse("orgs:edit", args=[far.pk])).status_code == 404


def test_list_query_count_is_constant(tree, login):
    from linli.accounts.testing import system_user
    from linli.orgs import services

    client = login("district_admin")

    def make(n, start):
        for i in range(n):
            org = services.organisation_create(
                actor=system_user(), area=tree.street_a, kind="property", name=f"物业{start + i}"
            )
            org.managed_compounds.set([tree.compound_a1])

    make(2, 0)
    with count_queries() as small:
        assert client.get(reverse("orgs:list")).status_code == 200
    make(12, 100)
    with count_queries() as large:
        resp = client.get(reverse("orgs:list"))
    assert len(resp.context["object_list"]) == 17
    assert large.count == small.count


def test_detail_shows_fields_compounds_staff_and_edit(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("orgs:detail", args=[tree.property_co.pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert tree.compound_a1.name in body
    assert 'data-testid="org-staff"' in body and "property_staff" in body
    assert 'data-testid="org-edit"' in body


def test_detail_hides_staff_and_edit_from_those_without_permission(tree, login):
    client = login("dept_staff")
    resp = client.get(reverse("orgs:detail", args=[tree.dept.pk]))
    body = resp.content.decode()
    assert resp.status_code == 200
    assert "org-staff" not in body
    assert 'data-testid="org-edit"' not in body
    assert client.get(reverse("orgs:edit", args=[tree.dept.pk])).status_code == 403


def test_secretary_cannot_edit_district_departments(tree, login):
    client = login("secretary_a1")
    assert client.get(reverse("orgs:detail", args=[tree.dept.pk])).status_code == 200
    assert client.get(reverse("orgs:edit", args=[tree.dept.pk])).status_code == 403
    resp = client.post(reverse("orgs:edit", args=[tree.dept.pk]), org_data(tree, name="改名"))
    assert resp.status_code == 403
    tree.dept.refresh_from_db()
    assert tree.dept.name != "改名"


def test_create_page_is_forbidden_without_add_permission(tree, login):
    client = login("grid_a")
    assert client.get(reverse("orgs:create")).status_code == 403
    assert client.post(reverse("orgs:create"), org_data(tree)).status_code == 403
    assert not Organisation.objects.filter(name="雨山区民政局").exists()


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("credit_code", BASE + ("0" if GOOD_CODE[-1] != "0" else "1")),  # wrong check character
        ("credit_code", "12345"),
        ("credit_code", "91340504MA2T0P1XIO"),  # I and O are not used
        ("contact_phone", "12345"),
        ("contact_phone", "2345678901234"),
        ("area", "340504999999"),
        ("area", "x"),
    ],
)
def test_create_with_bad_input_gives_field_errors_and_writes_nothing(tree, login, field, value):
    client = login("district_admin")
    orgs, audits = Organisation.objects.count(), AuditLog.objects.count()
    resp = client.post(reverse("orgs:create"), org_data(tree, **{field: value}))
    assert resp.status_code == 200
    assert resp.context["form"].errors.get(field), resp.context["form"].errors
    assert 'class="field-error"' in resp.content.decode()
    assert Organisation.objects.count() == orgs
    assert AuditLog.objects.count() == audits


def test_create_rejects_out_of_scope_area_and_wrong_level(tree, login):
    client = login("secretary_a1")
    resp = client.post(reverse("orgs:create"), org_data(tree, area=tree.comm_b1.code))
    assert resp.context["form"].errors["area"]
    resp = client.post(reverse("orgs:create"), org_data(tree, area=tree.compound_a1.code))
    assert resp.context["form"].errors["area"]
    assert not Organisation.objects.filter(name="雨山区民政局").exists()


def test_create_rejects_duplicate_credit_code_on_the_field(tree, login):
    client = login("district_admin")
    assert client.post(reverse("orgs:create"), org_data(tree)).status_code == 302
    resp = client.post(reverse("orgs:create"), org_data(tree, name="另一家"))
    assert resp.context["form"].errors["credit_code"]
    assert not Organisation.objects.filter(name="另一家").exists()


def test_create_property_company_with_compounds(tree, login):
    from linli.accounts.testing import system_user
    from linli.areas import services as areas

    other = areas.place_create(actor=system_user(), parent=tree.comm_a1, name="雨秀苑")
    client = login("district_admin")
    resp = client.post(
        reverse("orgs:create"),
        org_data(
            tree,
            kind="property",
            name="雨秀物业",
            credit_code="",
            area=tree.comm_a1.code,
            managed_compounds=[tree.compound_a1.code, other.code],
        ),
    )
    assert resp.status_code == 302, resp.context["form"].errors
    org = Organisation.objects.get(name="雨秀物业")
    assert resp["Location"] == reverse("orgs:detail", args=[org.pk])
    assert set(org.managed_compounds.all()) == {tree.compound_a1, other}
    row = AuditLog.objects.filter(object_type="orgs.organisation", object_id=str(org.pk), action="create").get()
    assert row.actor == tree.users["district_admin"]
    assert row.after["name"] == "雨秀物业"


def test_create_compounds_only_for_property_companies_and_known_codes(tree, login):
    client = login("district_admin")
    resp = client.post(reverse("orgs:create"), org_data(tree, managed_compounds=tree.compound_a1.code))
    assert resp.context["form"].errors["managed_compounds"]
    resp = client.post(
        reverse("orgs:create"),
        org_data(tree, kind="property", managed_compounds="340504001001999", managed_compounds_label="雨秀新苑"),
    )
    assert "雨秀新苑" in str(resp.context["form"].errors["managed_compounds"])  # named by the picked text
    resp = client.post(reverse("orgs:create"), org_data(tree, kind="property", managed_compounds=tree.comm_a1.code))
    assert resp.context["form"].errors["managed_compounds"]
    assert not Organisation.objects.filter(name="雨山区民政局").exists()


def test_edit_saves_through_the_service_with_audit(tree, login):
    client = login("district_admin")
    resp = client.get(reverse("orgs:edit", args=[tree.property_co.pk]))
    assert resp.status_code == 200
    # the managed compound is a chip of the multiple picker: its code in a hidden input, its name shown
    assert f'type="hidden" name="managed_compounds" value="{tree.compound_a1.code}"' in resp.content.decode()
    assert 'data-testid="picker-chip"' in resp.content.decode() and "怡心花园" in resp.content.decode()
    data = org_data(
        tree,
        kind="property",
        name=tree.property_co.name,
        credit_code="",
        managed_compounds=tree.compound_a1.code,
        contact_phone="13912345678",
        is_active="on",
    )
    resp = client.post(reverse("orgs:edit", args=[tree.property_co.pk]), data)
    assert resp.status_code == 302, resp.context["form"].errors
    tree.property_co.refresh_from_db()
    assert tree.property_co.contact_phone == "13912345678"
    row = AuditLog.objects.filter(
        object_type="orgs.organisation", object_id=str(tree.property_co.pk), action="update"
    ).latest("id")
    assert row.actor == tree.users["district_admin"]
    assert ("contact_phone", "", "13912345678") in row.changed_fields()


def test_edit_with_bad_phone_changes_nothing(tree, login):
    client = login("district_admin")
    audits = AuditLog.objects.count()
    resp = client.post(
        reverse("orgs:edit", args=[tree.dept.pk]), org_data(tree, name="新名字", credit_code="", contact_phone="abc")
    )
    assert resp.context["form"].errors["contact_phone"]
    tree.dept.refresh_from_db()
    assert tree.dept.name == "雨山区住房和城乡建设局"
    assert AuditLog.objects.count() == audits
