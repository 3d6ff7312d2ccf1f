"""/api/v1/party: organisations, members (masked), in-service members (双报到) and their service records."""

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import EventDate, PastDate
from linli.core.permissions import restrict
from linli.orgs.models import Organisation
from linli.registry.selectors import resident_for

from . import selectors, services
from .models import BranchType, MemberStatus, PartyOrgKind, SeatPosition

router = Router(tags=["party"])

ID = Field(..., ge=1, le=2**31 - 1)


class FlagOut(Schema):
    code: str
    level: str
    message: str


class PartyOrgOut(Schema):
    id: int
    kind: str
    branch_type: str
    name: str
    parent_id: int | None
    place_code: str = Field(..., alias="place.code")
    place_name: str = Field(..., alias="place.name")
    organisation_id: int | None
    is_active: bool
    term_start: dt.date | None
    term_end: dt.date | None
    members: int = 0
    full_members: int = 0
    seats: int = 0
    flags: list[FlagOut] = []

    @staticmethod
    def resolve_members(obj):
        return getattr(obj, "n_group_members", 0) if obj.kind == PartyOrgKind.GROUP else getattr(obj, "n_members", 0)

    @staticmethod
    def resolve_full_members(obj):
        return getattr(obj, "n_full", 0)

    @staticmethod
    def resolve_seats(obj):
        return getattr(obj, "n_seats", 0)

    @staticmethod
    def resolve_flags(obj):
        return [f.__dict__ for f in getattr(obj, "flags", [])]


class SeatOut(Schema):
    id: int
    position: str
    member_id: int
    name: str = Field(..., alias="member.resident.name")
    term_start: dt.date
    term_end: dt.date | None


class OrgDetailOut(PartyOrgOut):
    committee: list[SeatOut] = []


class PartyOrgFilters(Schema):
    under: str | None = Field(None, max_length=24, description="Place code: organisations in its subtree")
    kind: PartyOrgKind | None = None
    q: str | None = Field(None, max_length=60)


class PartyOrgIn(Schema):
    kind: PartyOrgKind
    name: str = Field(..., min_length=1, max_length=100)
    place: str = Field(..., max_length=24, description="Code of the place where it sits")
    parent_id: int | None = Field(None, ge=1, le=2**31 - 1)
    branch_type: BranchType | None = None
    organisation_id: int | None = Field(None, ge=1, le=2**31 - 1, description="Property company (物业党支部)")
    term_start: EventDate | None = None
    covered: list[str] = Field(default_factory=list, max_length=200, description="Place codes covered")


class PartyMemberOut(Schema):
    """Masked: no ID or phone number beyond the stored masks."""

    id: int
    resident_id: int
    name: str = Field(..., alias="resident.name")
    gender: str = Field(..., alias="resident.gender")
    phone_masked: str = Field(..., alias="resident.phone_masked")
    org_id: int
    org_name: str = Field(..., alias="org.name")
    group_id: int | None
    status: str
    joined_on: dt.date
    full_on: dt.date | None
    dues_paid_until: dt.date | None
    is_active: bool


class MemberFilters(Schema):
    under: str | None = Field(None, max_length=24)
    org: int | None = Field(None, ge=1, le=2**31 - 1)
    status: MemberStatus | None = None
    q: str | None = Field(None, max_length=60)
    dues_overdue: bool = False


class PartyMemberIn(Schema):
    resident_id: int = ID
    status: MemberStatus = MemberStatus.FULL
    joined_on: PastDate
    full_on: PastDate | None = None
    group_id: int | None = Field(None, ge=1, le=2**31 - 1)
    dues_paid_until: EventDate | None = None


class TransferIn(Schema):
    to_org_id: int = ID
    on: EventDate | None = None
    reason: str = Field("", max_length=100)


class SeatIn(Schema):
    member_id: int = ID
    position: SeatPosition
    term_start: EventDate | None = None


class InServiceOut(Schema):
    id: int
    resident_id: int
    name: str = Field(..., alias="resident.name")
    phone_masked: str = Field(..., alias="resident.phone_masked")
    employer_id: int
    employer_name: str = Field(..., alias="employer.name")
    employer_party_org: str
    community_code: str = Field(..., alias="community.code")
    skills: str
    service_intention: str
    reported_on: dt.date
    stale: bool = False
    is_active: bool

    @staticmethod
    def resolve_stale(obj):
        return obj.is_stale()


class InServiceFilters(Schema):
    under: str | None = Field(None, max_length=24)
    stale: bool | None = None
    q: str | None = Field(None, max_length=60)


class ReportIn(Schema):
    resident_id: int = ID
    community: str = Field(..., max_length=24)
    employer_id: int = ID
    employer_party_org: str = Field("", max_length=100)
    skills: str = Field("", max_length=200)
    service_intention: str = Field("", max_length=200)
    reported_on: PastDate | None = None


class InServiceRecordOut(Schema):
    id: int
    member_id: int
    date: dt.date
    content: str
    hours: Decimal
    source: str
    post_id: int | None


class RecordIn(Schema):
    date: EventDate
    content: str = Field(..., min_length=1, max_length=200)
    hours: Decimal = Field(..., gt=0, le=24, max_digits=5, decimal_places=1)
    source: str = Field("", max_length=40)
    post_id: int | None = Field(None, ge=1, le=2**31 - 1)


class HoursOut(Schema):
    member_id: int
    year: int
    hours: Decimal


def _under(request, code):
    return place_by_code(request.auth, code).path if code else None


def _org_out(qs):
    return selectors.annotate_flags(list(selectors.with_counts(qs)))


# -- organisations --------------------------------------------------------------------------------------------------


@router.get("/orgs", response={200: list[PartyOrgOut], **ERROR_RESPONSES}, summary="Party organisations in scope")
@paginate(PageNumber)
def list_orgs(request, filters: Query[PartyOrgFilters]):
    qs = selectors.with_counts(
        selectors.orgs(request.auth, under=_under(request, filters.under), kind=filters.kind, q=filters.q or "")
    )
    return _Flagged(qs)


class _Flagged:
    """A lazily sliced queryset whose page gets its flags attached (one extra query per page)."""

    def __init__(self, qs):
        self.qs = qs

    def count(self):
        return self.qs.count()

    def __len__(self):
        return self.count()

    def __getitem__(self, item):
        rows = self.qs[item]
        return selectors.annotate_flags(list(rows)) if isinstance(item, slice) else rows


@router.get("/orgs/{int:org_id}", response={200: OrgDetailOut, **ERROR_RESPONSES}, summary="One organisation")
def get_org(request, org_id: int):
    org = selectors.org_for(request.auth, org_id)
    org = _org_out(type(org).objects.filter(pk=org.pk).select_related("place"))[0]
    org.committee = list(selectors.seats(request.auth, org))
    return org


@router.post("/orgs", response={201: PartyOrgOut, **ERROR_RESPONSES}, summary="Create a party organisation")
def create_org(request, payload: PartyOrgIn):
    user = request.auth
    place = place_by_code(user, payload.place, field="place")
    parent = selectors.orgs(user).filter(pk=payload.parent_id).first() if payload.parent_id else None
    if payload.parent_id and parent is None:
        raise ValidationError({"parent_id": _("Unknown organisation.")})
    organisation = None
    if payload.organisation_id:
        organisation = restrict(Organisation.objects.all(), user).filter(pk=payload.organisation_id).first()
        if organisation is None:
            raise ValidationError({"organisation_id": _("Unknown organisation.")})
    covered = [place_by_code(user, code, field="covered") for code in payload.covered]
    org = services.org_create(
        actor=user,
        place=place,
        kind=payload.kind,
        name=payload.name,
        parent=parent,
        branch_type=payload.branch_type or "",
        organisation=organisation,
        term_start=payload.term_start,
        covered_places=covered,
    )
    return Status(201, _org_out(type(org).objects.filter(pk=org.pk).select_related("place"))[0])


@router.post("/orgs/{int:org_id}/archive", response={200: PartyOrgOut, **ERROR_RESPONSES}, summary="Archive")
def archive_org(request, org_id: int):
    org = services.org_archive(actor=request.auth, org=selectors.org_for(request.auth, org_id))
    return _org_out(type(org).objects.filter(pk=org.pk).select_related("place"))[0]


@router.post(
    "/orgs/{int:org_id}/members",
    response={201: PartyMemberOut, **ERROR_RESPONSES},
    summary="Register a resident as a member of the branch",
)
def add_member(request, org_id: int, payload: PartyMemberIn):
    user = request.auth
    org = selectors.org_for(user, org_id)
    resident = resident_for(user, payload.resident_id)
    if resident is None:
        raise ValidationError({"resident_id": _("No resident with this record number.")})
    group = selectors.orgs(user).filter(pk=payload.group_id).first() if payload.group_id else None
    if payload.group_id and group is None:
        raise ValidationError({"group_id": _("Unknown organisation.")})
    member = services.member_add(
        actor=user,
        org=org,
        resident=resident,
        joined_on=payload.joined_on,
        status=payload.status,
        full_on=payload.full_on,
        group=group,
        dues_paid_until=payload.dues_paid_until,
    )
    return Status(201, selectors.member_for(user, member.pk))


@router.post("/orgs/{int:org_id}/seats", response={201: SeatOut, **ERROR_RESPONSES}, summary="Add a committee seat")
def add_seat(request, org_id: int, payload: SeatIn):
    user = request.auth
    org = selectors.org_for(user, org_id)
    member = selectors.member_for(user, payload.member_id)
    seat = services.seat_add(
        actor=user, org=org, member=member, position=payload.position, term_start=payload.term_start
    )
    return Status(201, seat)


# -- members --------------------------------------------------------------------------------------------------------


@router.get("/members", response={200: list[PartyMemberOut], **ERROR_RESPONSES}, summary="Registered members (masked)")
@paginate(PageNumber)
def list_members(request, filters: Query[MemberFilters]):
    user = request.auth
    org = selectors.org_for(user, filters.org) if filters.org else None
    return selectors.members(
        user,
        org=org,
        under=_under(request, filters.under),
        status=filters.status,
        q=filters.q or "",
        dues_overdue=filters.dues_overdue,
    )


@router.get("/members/{int:member_id}", response={200: PartyMemberOut, **ERROR_RESPONSES}, summary="One member")
def get_member(request, member_id: int):
    return selectors.member_for(request.auth, member_id)


@router.post(
    "/members/{int:member_id}/transfer",
    response={201: PartyMemberOut, **ERROR_RESPONSES},
    summary="Transfer a member to another branch (the old membership is kept as history)",
)
def transfer_member(request, member_id: int, payload: TransferIn):
    user = request.auth
    member = selectors.member_for(user, member_id)
    to_org = selectors.org_for(user, payload.to_org_id)
    new = services.member_transfer(actor=user, member=member, to_org=to_org, on=payload.on, reason=payload.reason)
    return Status(201, selectors.member_for(user, new.pk))


# -- 双报到 -----------------------------------------------------------------------------------------------------------


@router.get(
    "/inservice", response={200: list[InServiceOut], **ERROR_RESPONSES}, summary="In-service members (双报到) in scope"
)
@paginate(PageNumber)
def list_inservice(request, filters: Query[InServiceFilters]):
    return selectors.inservice(
        request.auth, under=_under(request, filters.under), stale=filters.stale, q=filters.q or ""
    )


@router.post(
    "/inservice",
    response={201: InServiceOut, **ERROR_RESPONSES},
    summary="An in-service member reports to the community (first or repeated)",
)
def report(request, payload: ReportIn):
    user = request.auth
    resident = resident_for(user, payload.resident_id)
    if resident is None:
        raise ValidationError({"resident_id": _("No resident with this record number.")})
    community = place_by_code(user, payload.community, field="community")
    employer = restrict(Organisation.objects.filter(is_active=True), user).filter(pk=payload.employer_id).first()
    if employer is None:
        raise ValidationError({"employer_id": _("Unknown organisation.")})
    member = services.inservice_report(
        actor=user,
        resident=resident,
        community=community,
        employer=employer,
        reported_on=payload.reported_on,
        employer_party_org=payload.employer_party_org,
        skills=payload.skills,
        service_intention=payload.service_intention,
    )
    return Status(201, selectors.inservice_for(user, member.pk))


@router.get(
    "/inservice/{int:member_id}/records",
    response={200: list[InServiceRecordOut], **ERROR_RESPONSES},
    summary="Service records of an in-service member",
)
@paginate(PageNumber)
def list_records(request, member_id: int):
    member = selectors.inservice_for(request.auth, member_id)
    return selectors.records(request.auth, member=member)


@router.post(
    "/inservice/{int:member_id}/records",
    response={201: InServiceRecordOut, **ERROR_RESPONSES},
    summary="Record a service (date, content, hours)",
)
def add_record(request, member_id: int, payload: RecordIn):
    user = request.auth
    member = selectors.inservice_for(user, member_id)
    post = selectors.post_for(user, payload.post_id) if payload.post_id else None
    record = services.service_record_add(
        actor=user,
        member=member,
        date=payload.date,
        content=payload.content,
        hours=payload.hours,
        source=payload.source,
        post=post,
    )
    return Status(201, record)


@router.get(
    "/inservice/{int:member_id}/hours", response={200: HoursOut, **ERROR_RESPONSES}, summary="Service hours in a year"
)
def hours(request, member_id: int, year: int = Query(..., ge=2000, le=2100)):
    member = selectors.inservice_for(request.auth, member_id)
    return {"member_id": member.pk, "year": year, "hours": selectors.service_hours(member, year)}
