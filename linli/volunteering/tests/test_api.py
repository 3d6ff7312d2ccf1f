import pytest

from linli.volunteering import services
from linli.volunteering.models import SignUp, Volunteer

from .conftest import started

pytestmark = pytest.mark.django_db


def test_resident_api_flow(client, tree, make_activity, me, token_for):
    a = make_activity()
    h = token_for("resident_a1")
    listed = client.get("/api/v1/volunteering/activities?upcoming=true", **h).json()
    assert [x["id"] for x in listed["results"]] == [a.pk]
    resp = client.post(f"/api/v1/volunteering/activities/{a.pk}/signup", **h)
    assert resp.status_code == 201 and resp.json()["status"] == "confirmed"
    again = client.post(f"/api/v1/volunteering/activities/{a.pk}/signup", **h)
    assert again.status_code == 400 and "error" in again.json()
    started(a)
    code, _ = services.checkin_code(actor=tree.users["secretary_a1"], activity=a, action="in")
    assert (
        client.post("/api/v1/volunteering/check", {"code": code}, content_type="application/json", **h).status_code
        == 200
    )
    replay = client.post("/api/v1/volunteering/check", {"code": code}, content_type="application/json", **h)
    assert replay.status_code == 400 and replay.json()["error"]["fields"]
    body = client.get("/api/v1/volunteering/me", **h).json()
    assert body["volunteer"]["number"] == me.number


def test_resident_sees_only_own_volunteer_record(client, tree, make_volunteer, me, token_for):
    housemate = make_volunteer()  # same house as resident_a1
    h = token_for("resident_a1")
    ids = [v["id"] for v in client.get("/api/v1/volunteering/volunteers", **h).json()["results"]]
    assert ids == [me.pk] and housemate.pk not in ids
    staff = [
        v["id"] for v in client.get("/api/v1/volunteering/volunteers", **token_for("secretary_a1")).json()["results"]
    ]
    assert set(staff) == {me.pk, housemate.pk}
    assert client.get("/api/v1/volunteering/volunteers", **token_for("dept_staff")).json()["results"] == []


def test_cancel_promotes_via_api(client, tree, make_activity, make_volunteer, me, token_for):
    a = make_activity(slots=1)
    s = services.signup_create(actor=tree.users["resident_a1"], activity=a)
    w = services.signup_create(actor=tree.users["secretary_a1"], activity=a, volunteer=make_volunteer())
    resp = client.post(f"/api/v1/volunteering/signups/{s.pk}/cancel", **token_for("resident_a1"))
    assert resp.status_code == 200 and resp.json()["status"] == "cancelled"
    assert SignUp.objects.get(pk=w.pk).status == "confirmed"
    assert client.post(f"/api/v1/volunteering/signups/{w.pk}/cancel", **token_for("resident_a1")).status_code == 404
    assert Volunteer.objects.count() == 2
