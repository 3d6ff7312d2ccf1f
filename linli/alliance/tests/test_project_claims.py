"""双报到: in-service party members claim the alliance's cooperative projects (认领项目); and the problem list
follows its work orders."""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from linli.accounts.testing import system_user
from linli.alliance import services
from linli.alliance.models import ProblemStatus, ProjectClaim, ProjectStatus
from linli.core.models import AuditLog

pytestmark = pytest.mark.django_db
TODAY = timezone.localdate()


@pytest.fixture
def project(tree, alliance):
    root = system_user()
    partner = services.partner_add(actor=root, alliance=alliance, organisation=alliance.enterprise)
    return services.project_add(
        actor=root,
        partner=partner,
        title="智慧便民充电桩",
        status=ProjectStatus.IN_PROGRESS,
        started_on=TODAY - dt.timedelta(days=30),
    )


@pytest.fixture
def member(tree):
    from linli.party.tests.factories import inservice

    return inservice(tree)


def test_inservice_member_claims_a_project(tree, alliance, project, member):
    sec = tree.users["secretary_a1"]
    claim = services.project_claim(actor=sec, project=project, member=member, role="周末法律咨询")
    assert claim.is_active and claim.alliance == alliance and claim.scope_path == alliance.scope_path
    assert AuditLog.objects.filter(object_type="alliance.projectclaim", action="create").count() == 1
    with pytest.raises(ValidationError) as err:  # twice
        services.project_claim(actor=sec, project=project, member=member)
    assert "member" in err.value.message_dict
    services.project_claim_release(actor=sec, claim=claim)
    claim.refresh_from_db()
    assert not claim.is_active and claim.released_on == TODAY
    with pytest.raises(ValidationError):
        services.project_claim_release(actor=sec, claim=claim)
    assert services.project_claim(actor=sec, project=project, member=member).is_active  # claimed again


def test_project_claim_refusals(tree, alliance, project, member):
    from linli.party.tests.factories import inservice

    sec = tree.users["secretary_a1"]
    other = inservice(tree, community=tree.comm_a2, home=tree.house_a2)
    with pytest.raises(ValidationError) as err:  # reported to another community
        services.project_claim(actor=system_user(), project=project, member=other)
    assert "member" in err.value.message_dict
    with pytest.raises(ValidationError):
        services.project_claim(actor=sec, project=project, member=member, claimed_on=TODAY + dt.timedelta(days=1))
    with pytest.raises(PermissionDenied):
        services.project_claim(actor=tree.users["grid_a"], project=project, member=member)
    services.project_update(actor=sec, project=project, status=ProjectStatus.COMPLETED, finished_on=TODAY)
    with pytest.raises(ValidationError) as err:
        services.project_claim(actor=sec, project=project, member=member)
    assert "project" in err.value.message_dict
    assert not ProjectClaim.objects.exists()


def test_ending_the_registration_releases_project_claims(
    tree, alliance, project, member, django_capture_on_commit_callbacks
):
    from linli.party import services as party

    sec = tree.users["secretary_a1"]
    claim = services.project_claim(actor=sec, project=project, member=member)
    with django_capture_on_commit_callbacks(execute=True):
        party.inservice_end(actor=sec, member=member)
    claim.refresh_from_db()
    assert not claim.is_active and claim.released_on == TODAY


def test_ending_a_registered_membership_is_not_an_in_service_ending(
    tree, alliance, project, member, django_capture_on_commit_callbacks
):
    """member_end (在册) publishes its own event: the alliance, which reads the id as an InServiceMember's, must
    not hear it — else ending member #N released in-service member #N's project claims."""
    from linli.core import events
    from linli.party import services as party
    from linli.party.tests.factories import branch, members

    heard = []
    events.subscribe("party.inservice.ended", heard.append)
    try:
        registered = members(branch(tree), 3, home=tree.house_a1)[0]
        with django_capture_on_commit_callbacks(execute=True):
            party.member_end(actor=system_user(), member=registered, reason="迁出")
        assert heard == []
        with django_capture_on_commit_callbacks(execute=True):
            party.inservice_end(actor=tree.users["secretary_a1"], member=member)
        assert [h["id"] for h in heard] == [member.pk]
    finally:
        events.unsubscribe("party.inservice.ended", heard.append)


def test_claim_through_the_inservice_page(client, tree, alliance, project, member):
    client.force_login(tree.users["secretary_a1"])
    page = client.get(reverse("party:inservice_detail", args=[member.pk])).content.decode()
    assert 'data-testid="claim-project"' in page
    url = reverse("alliance:project_claim", args=[member.pk])
    form = client.get(url)
    assert form.status_code == 200 and project.title in form.content.decode()
    resp = client.post(url, {"project": project.pk, "role": "组织充电需求调查", "claimed_on": TODAY.isoformat()})
    assert resp.status_code == 302 and resp["Location"].endswith(f"/party/inservice/{member.pk}/#projects")
    page = client.get(reverse("party:inservice_detail", args=[member.pk])).content.decode()
    assert project.title in page and "组织充电需求调查" in page
    detail = client.get(reverse("alliance:detail", args=[alliance.pk])).content.decode()
    assert member.resident.name in detail  # the project lists who claimed it
    claim = ProjectClaim.objects.get()
    assert client.post(reverse("alliance:project_claim_release", args=[claim.pk])).status_code == 302
    assert not ProjectClaim.objects.get().is_active
    # Out of scope: another employer's staff do not see the member at all.
    client.force_login(tree.users["dept_other_staff"])
    assert client.get(url).status_code == 404
    # A view-only role sees the member but may not claim for them.
    client.force_login(tree.users["grid_a"])
    assert client.get(url).status_code in (403, 404)


def _walk_to_archived(tree, case, verdict="satisfied"):
    from linli.workorders import services as wo

    u = tree.users
    wo.case_dispatch(actor=u["secretary_a1"], case=case, lead_org=tree.dept)
    wo.case_sign(actor=u["dept_staff"], case=case)
    wo.case_start(actor=u["dept_staff"], case=case)
    wo.case_complete(actor=u["dept_staff"], case=case, reply="已更换全部灯具")
    wo.case_evaluate(actor=u["secretary_a1"], case=case, verdict=verdict)
    wo.case_archive(actor=u["secretary_a1"], case=case)
    return case


def test_archived_work_order_solves_the_problem(tree, alliance, django_capture_on_commit_callbacks):
    sec = tree.users["secretary_a1"]
    p = services.problem_create(
        actor=sec, alliance=alliance, title="路灯不亮", description="3栋路灯坏了", found_on=TODAY - dt.timedelta(days=3)
    )
    case = services.problem_to_case(actor=sec, problem=p)
    with django_capture_on_commit_callbacks(execute=True):
        _walk_to_archived(tree, case)
    p.refresh_from_db()
    assert p.status == ProblemStatus.SOLVED and p.solved_on == TODAY and p.solution == "已更换全部灯具"
    row = AuditLog.objects.filter(object_type="alliance.problem", object_id=str(p.pk)).latest("pk")
    assert row.actor is None and "archived" in row.note
    # Idempotent: a second delivery changes nothing.
    from linli.alliance import handlers

    handlers.on_case_archived({"case_id": case.pk})
    assert AuditLog.objects.filter(object_type="alliance.problem", object_id=str(p.pk)).latest("pk") == row


def test_unsatisfied_archived_work_order_leaves_the_problem_open(tree, alliance, django_capture_on_commit_callbacks):
    from django.test import override_settings

    sec = tree.users["secretary_a1"]
    p = services.problem_create(actor=sec, alliance=alliance, title="占道经营", description="菜市场门口")
    case = services.problem_to_case(actor=sec, problem=p)
    with override_settings(LINLI_WORKORDER_MAX_REOPENS=0), django_capture_on_commit_callbacks(execute=True):
        _walk_to_archived(tree, case, verdict="unsatisfied")
    p.refresh_from_db()
    assert p.status == ProblemStatus.RECTIFYING and not p.solved_on
