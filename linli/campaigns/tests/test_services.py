"""The campaign walk through the services: plan → start → inspect → finding → work order → archived → rectified;
bad input refused with nothing written; the permission edges."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from linli.campaigns import handlers, selectors, services
from linli.campaigns.models import Campaign, CampaignState, Finding, Inspection, InspectionPhoto, Target, Targeting
from linli.core import events
from linli.core.models import AuditLog, OutboxEvent

from . import factories as f

pytestmark = pytest.mark.django_db


def counts():
    return (
        Inspection.objects.count(),
        Finding.objects.count(),
        InspectionPhoto.objects.count(),
        AuditLog.objects.count(),
    )


def has_chinese(exc, field):
    return any(any("\u4e00" <= ch <= "\u9fff" for ch in m) for m in exc.value.message_dict[field])


def test_start_targets_every_compound_under_the_owner(tree):
    c = f.campaign(tree)
    assert c.state == CampaignState.RUNNING
    compounds = set(Target.objects.filter(campaign=c).values_list("compound__parent__parent", flat=True))
    assert compounds == {tree.street_a.pk}
    assert Target.objects.filter(campaign=c).count() == 2  # 怡心花园 and 西苑新村; 半山花园 is street B's
    assert AuditLog.objects.filter(action="campaign_start", object_id=str(c.pk)).exists()


def test_key_campaign_needs_key_compounds_and_leaders(tree):
    c = f.campaign(tree, start=False, targeting=Targeting.KEY)
    t = Target.objects.get(campaign=c)
    assert t.is_key and t.leader == tree.users["secretary_a1"]
    with pytest.raises(ValidationError) as exc:
        services.key_target_set(actor=tree.users["street_a"], campaign=c, compound=tree.compound_a1, leader=None)
    assert "leader" in exc.value.message_dict
    empty = f.campaign(tree, start=False, targeting=Targeting.KEY)
    Target.objects.filter(campaign=empty).delete()
    with pytest.raises(ValidationError) as exc:
        services.campaign_start(actor=tree.users["street_a"], campaign=empty)
    assert "targets" in exc.value.message_dict


def test_the_walk_inspection_finding_case_archived_rectified(tree, django_capture_on_commit_callbacks):
    c = f.campaign(tree)
    answers, items = f.results(c, fail=1)
    inspection = services.inspection_record(
        actor=tree.users["grid_a"],  # a grid worker inspects the compound of their buildings
        campaign=c,
        compound=tree.compound_a1,
        theme=f.theme(c),
        results=answers,
        notes={items[0].pk: "3栋楼道停放电动车5辆"},
        photos=[f.photo()],
        lat="31.692100",
        lng="118.509800",
    )
    assert (inspection.passed, inspection.failed, inspection.located) == (2, 1, "device")
    assert inspection.photos.count() == 1
    finding = Finding.objects.get(inspection=inspection)
    assert finding.item == items[0] and finding.status == "open"
    case = services.finding_to_case(actor=tree.users["secretary_a1"], finding=finding)
    finding.refresh_from_db()
    assert finding.case == case and finding.status == "case"
    assert case.source == "campaign" and case.origin == f"campaigns.finding:{finding.pk}"
    assert case.place == tree.compound_a1 and "3栋楼道" in case.description and case.category.code == "other"
    with pytest.raises(ValidationError) as exc:
        services.finding_to_case(actor=tree.users["secretary_a1"], finding=finding)
    assert "case" in exc.value.message_dict
    compounds, streets, total = selectors.progress(tree.users["street_a"], c)
    assert (total.inspections, total.findings, total.cases_open, total.rectified) == (1, 1, 1, 0)
    with django_capture_on_commit_callbacks(execute=True):
        f.walk_to_archived(tree, case)
    finding.refresh_from_db()
    assert finding.status == "rectified" and finding.rectified_on
    compounds, streets, total = selectors.progress(tree.users["street_a"], c)
    assert (total.findings, total.cases_open, total.rectified, str(total.rectified_pct)) == (1, 0, 1, "100.0")
    row = next(r for r in compounds if r.place == tree.compound_a1)
    assert row.rectified == 1 and row.status == "rectified"
    assert streets[0].place == tree.street_a and streets[0].inspected == 1 and streets[0].compounds == 2
    # Redelivery (a retry, a replayed dead letter) changes nothing.
    audit_row = AuditLog.objects.filter(object_type="campaigns.finding", action="finding_rectified").get()
    assert audit_row.actor is None
    event = OutboxEvent.objects.filter(name="workorders.case.archive").latest("pk")
    events.deliver_to(
        "workorders.case.archive", events.subscriber_name(handlers.on_case_archived), event.payload, event.uuid
    )
    handlers.on_case_archived({"case_id": case.pk})
    handlers.on_case_archived({"case_id": 987654})
    handlers.on_case_archived({})
    assert AuditLog.objects.filter(object_type="campaigns.finding", action="finding_rectified").count() == 1


def test_inspection_of_a_compound_outside_the_campaign_is_refused(tree):
    c = f.campaign(tree)
    answers, _ = f.results(c)
    before = counts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=tree.users["district_admin"],
            campaign=c,
            compound=tree.building_b1.parent,
            theme=f.theme(c),
            results=answers,
        )
    assert has_chinese(exc, "compound")
    assert counts() == before


def test_a_finding_needs_a_failed_check(tree):
    c = f.campaign(tree)
    answers, items = f.results(c, fail=0)  # everything passed
    before = counts()
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=tree.users["secretary_a1"],
            campaign=c,
            compound=tree.compound_a1,
            theme=f.theme(c),
            results=answers,
            notes={items[1].pk: "有问题"},
        )
    assert has_chinese(exc, "results")
    assert counts() == before


def test_unanswered_checks_and_a_photo_that_is_not_an_image_are_refused(tree):
    c = f.campaign(tree)
    answers, items = f.results(c)
    before = counts()
    partial = dict(list(answers.items())[:2])
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=tree.users["secretary_a1"], campaign=c, compound=tree.compound_a1, theme=f.theme(c), results=partial
        )
    assert "results" in exc.value.message_dict
    fake = SimpleUploadedFile("photo.jpg", b"<html>not a picture</html>", content_type="image/jpeg")
    with translation.override("zh-hans"), pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=tree.users["secretary_a1"],
            campaign=c,
            compound=tree.compound_a1,
            theme=f.theme(c),
            results=answers,
            notes={items[0].pk: "x"},
            photos=[fake],
        )
    assert has_chinese(exc, "photos")
    assert counts() == before


def test_inspections_only_while_running_and_in_scope(tree):
    c = f.campaign(tree, start=False)
    answers, _ = f.results(c)
    with pytest.raises(ValidationError) as exc:
        services.inspection_record(
            actor=tree.users["secretary_a1"], campaign=c, compound=tree.compound_a1, theme=f.theme(c), results=answers
        )
    assert "campaign" in exc.value.message_dict
    services.campaign_start(actor=tree.users["street_a"], campaign=c)
    west = Target.objects.exclude(compound=tree.compound_a1).get(campaign=c).compound
    with pytest.raises(PermissionDenied):  # another community's compound
        services.inspection_record(
            actor=tree.users["secretary_a1"], campaign=c, compound=west, theme=f.theme(c), results=answers
        )
    with pytest.raises(PermissionDenied):
        services.campaign_close(actor=tree.users["secretary_a1"], campaign=c)
    services.campaign_close(actor=tree.users["street_a"], campaign=c)
    c = Campaign.objects.get(pk=c.pk)
    assert c.state == CampaignState.CLOSED and c.closed_on
    with pytest.raises(ValidationError):
        services.campaign_close(actor=tree.users["street_a"], campaign=c)


def test_campaign_create_refuses_bad_owner_and_dates(tree):
    import datetime as dt

    user = tree.users["district_admin"]
    today = dt.date(2026, 5, 1)
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(actor=user, owner=tree.comm_a1, title="x", starts_on=today, ends_on=today)
    assert "owner" in exc.value.message_dict
    with pytest.raises(ValidationError) as exc:
        services.campaign_create(
            actor=user, owner=tree.district, title="x", starts_on=today, ends_on=today - dt.timedelta(days=1)
        )
    assert "ends_on" in exc.value.message_dict
    with pytest.raises(PermissionDenied):
        services.campaign_create(
            actor=tree.users["street_a"], owner=tree.district, title="x", starts_on=today, ends_on=today
        )


def test_who_sees_what(tree):
    c = f.campaign(tree)
    assert selectors.campaigns(tree.users["secretary_a1"]).filter(pk=c.pk).exists()  # owned above, seen below
    assert selectors.campaigns(tree.users["grid_a"]).filter(pk=c.pk).exists()
    assert not selectors.campaigns(tree.users["resident_a1"]).exists()
    assert not selectors.campaigns(tree.users["property_staff"]).exists()
    other = f.campaign(tree, owner=tree.street_b, actor="district_admin")
    assert not selectors.campaigns(tree.users["secretary_a1"]).filter(pk=other.pk).exists()
    targets = selectors.targets(tree.users["secretary_a1"], c)
    assert [t.compound for t in targets] == [tree.compound_a1]


def test_progress_costs_the_same_queries_whatever_the_findings(tree):
    from linli.core.testing import count_queries

    c = f.campaign(tree)
    user = tree.users["street_a"]
    selectors.progress(user, c)  # bindings loaded
    with count_queries() as small:
        selectors.progress(user, c)
    answers, _items = f.results(c, fail=3)
    for _ in range(3):
        inspection = services.inspection_record(
            actor=user, campaign=c, compound=tree.compound_a1, theme=f.theme(c), results=answers
        )
        services.finding_to_case(actor=user, finding=inspection.findings.first())
    with count_queries() as big:
        _compounds, _streets, total = selectors.progress(user, c)
    assert total.findings == 9 and total.cases_open == 3 and total.no_case == 6
    assert big.count == small.count
