"""/api/v1/residents and /api/v1/households — thin wrappers over the services and selectors.

Responses carry ``id_masked``/``phone_masked`` only. ``POST /residents/{id}/reveal`` is the one way to a full
number: it needs the "reveal" right on the record (403 otherwise, 404 out of scope) and writes an audit row.
"""

import datetime as dt
from typing import Literal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.http import Http404, HttpResponse
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.dates import PastDate
from linli.core.permissions import Action, restrict

from . import selectors, services
from .models import Education, Gender, IdType, PoliticalStatus, Relation, ResidenceStatus, Resident

residents_router = Router(tags=["residents"])
households_router = Router(tags=["households"])


# -- schemas ------------------------------------------------------------------------------------------


class TagOut(Schema):
    code: str = Field(..., alias="tag.code")
    name: str = Field(..., alias="tag.name")
    sensitive: bool = Field(..., alias="tag.sensitive")
    since: dt.date
    until: dt.date | None = None


class ResidentOut(Schema):
    id: int
    name: str
    name_initials: str
    gender: str
    birth_date: dt.date | None = None
    age: int | None = None
    id_type: str
    id_masked: str
    phone_masked: str
    ethnicity: str
    political_status: str
    residence_status: str
    employer: str
    education: str
    notes: str
    home_code: str | None = None
    address: str
    scope_path: str
    is_active: bool
    care_groups: list[TagOut] = []
    updated_at: dt.datetime

    @staticmethod
    def resolve_home_code(obj):
        return obj.home.code if obj.home_id else None

    @staticmethod
    def resolve_care_groups(obj):
        return getattr(obj, "visible_tags", [])


class ResidentFilters(Schema):
    q: str | None = Field(
        None,
        max_length=60,
        description="Name, pinyin initials or prefix, last 4 digits of ID or "
        "phone, a whole ID or phone number, address fragment",
    )
    under: str | None = Field(None, max_length=24, description="Only residents in this place's subtree")
    tag: str | None = Field(None, max_length=32, description="Care-group code (current members)")
    age_band: Literal["0-6", "7-17", "18-59", "60-79", "80+"] | None = None
    age_min: int | None = Field(None, ge=0, le=150)
    age_max: int | None = Field(None, ge=0, le=150)
    status: ResidenceStatus | None = Field(None, description="Residence status")
    include_inactive: bool = False


class ResidentIn(Schema):
    name: str = Field(..., min_length=1, max_length=50)
    gender: Gender = Gender.UNKNOWN
    birth_date: PastDate | None = None
    id_type: IdType | None = None
    id_number: str = Field("", max_length=30)
    phone: str = Field("", max_length=20)
    ethnicity: str = Field("", max_length=20)
    political_status: PoliticalStatus = PoliticalStatus.MASSES
    residence_status: ResidenceStatus = ResidenceStatus.PERMANENT
    employer: str = Field("", max_length=100)
    education: Education | Literal[""] = ""
    notes: str = Field("", max_length=2000)
    home: str | None = Field(None, max_length=24, description="Code of the house the person lives in")
    registered_at: str | None = Field(None, max_length=24, description="Community code, when no house is given")


class ResidentPatch(Schema):
    name: str | None = Field(None, min_length=1, max_length=50)
    gender: Gender | None = None
    birth_date: PastDate | None = None
    id_type: IdType | None = None
    id_number: str | None = Field(None, max_length=30, description="Omit to keep; empty string clears")
    phone: str | None = Field(None, max_length=20, description="Omit to keep; empty string clears")
    ethnicity: str | None = Field(None, max_length=20)
    political_status: PoliticalStatus | None = None
    residence_status: ResidenceStatus | None = None
    employer: str | None = Field(None, max_length=100)
    education: Education | Literal[""] | None = None
    notes: str | None = Field(None, max_length=2000)
    home: str | None = Field(None, max_length=24, description="Code of the new house (moves the record)")


class RevealIn(Schema):
    field: Literal["id_number", "phone"]
    purpose: str = Field("", max_length=200)


class RevealOut(Schema):
    value: str


class MemberOut(Schema):
    id: int
    resident_id: int
    resident_name: str = Field(..., alias="resident.name")
    relation: str
    since: dt.date
    until: dt.date | None = None


class HouseholdOut(Schema):
    id: int
    number: str
    house_code: str = Field(..., alias="house.code")
    address: str = Field(..., alias="house.address")
    head_id: int | None = None
    head_name: str | None = None
    scope_path: str
    is_active: bool

    @staticmethod
    def resolve_head_name(obj):
        return obj.head.name if obj.head_id else None


class HouseholdDetailOut(HouseholdOut):
    members: list[MemberOut] = []

    @staticmethod
    def resolve_members(obj):
        return getattr(obj, "member_rows", [])


class HouseholdFilters(Schema):
    q: str | None = Field(None, max_length=60, description="Household number, head's name, address")
    under: str | None = Field(None, max_length=24, description="Only households in this place's subtree")
    include_inactive: bool = False
    no_head: bool = Field(False, description="Only households without a head (无户主)")


class HouseholdIn(Schema):
    house: str = Field(..., max_length=24, description="House code")
    head: int = Field(..., description="Resident id of the head")
    since: PastDate | None = None
    number: str = Field("", max_length=32)


class MoveInIn(Schema):
    resident: int
    relation: Relation
    since: PastDate


class MoveOutIn(Schema):
    until: PastDate


# -- residents ----------------------------------------------------------------------------------------


def _resident(request, pk: int):
    """One resident the caller may see (any state), with its visible care groups; 404 otherwise."""
    qs = restrict(Resident.objects.select_related("home"), request.auth, Action.VIEW).filter(pk=pk)
    resident = selectors.with_visible_tags(qs, request.auth).first()
    if resident is None:
        raise Http404
    return resident


@residents_router.get("", response={200: list[ResidentOut], **ERROR_RESPONSES}, summary="List residents in scope")
@paginate(PageNumber)
def list_residents(request, filters: Query[ResidentFilters]):
    user = request.auth
    low, high = filters.age_min, filters.age_max
    if filters.age_band and low is None and high is None:
        low, high = selectors.AGE_BANDS[filters.age_band]
    if low is not None and high is not None and low > high:
        raise ValidationError({"age_max": _("The upper age is below the lower one.")})
    under = place_by_code(user, filters.under) if filters.under else None
    qs = selectors.residents(
        user,
        q=filters.q or "",
        place=under,
        tag=filters.tag or None,
        age_min=low,
        age_max=high,
        status=filters.status,
        include_inactive=filters.include_inactive,
    )
    return selectors.with_visible_tags(qs, user)


@residents_router.post("", response={201: ResidentOut, **ERROR_RESPONSES}, summary="Register a resident")
def create_resident(request, payload: ResidentIn):
    user = request.auth
    data = payload.dict()
    home_code, registered_code = data.pop("home"), data.pop("registered_at")
    home = place_by_code(user, home_code, field="home") if home_code else None
    registered_at = None
    if home is None and registered_code:
        registered_at = place_by_code(user, registered_code, field="registered_at")
    data["id_type"] = data["id_type"] or ""
    resident = services.resident_create(actor=user, home=home, registered_at=registered_at, **data)
    return Status(201, _resident(request, resident.pk))


@residents_router.get("/{int:pk}", response={200: ResidentOut, **ERROR_RESPONSES}, summary="One resident")
def get_resident(request, pk: int):
    return _resident(request, pk)


@residents_router.patch("/{int:pk}", response={200: ResidentOut, **ERROR_RESPONSES}, summary="Edit a resident")
def update_resident(request, pk: int, payload: ResidentPatch):
    user = request.auth
    resident = _resident(request, pk)
    data = payload.dict(exclude_unset=True)
    home_code = data.pop("home", None)
    for key in ("ethnicity", "employer", "education", "notes"):
        if key in data and data[key] is None:
            data[key] = ""
    for key in ("name", "gender", "political_status", "residence_status"):
        if key in data and data[key] is None:
            raise ValidationError({key: _("This field cannot be empty.")})
    if data.get("id_type") and data["id_type"] != resident.id_type and data.get("id_number") is None:
        raise ValidationError({"id_number": _("Enter the number again when changing the document type.")})
    with transaction.atomic():
        home = place_by_code(user, home_code, field="home") if home_code else None
        resident = services.resident_update(actor=user, resident=resident, **data)
        if home is not None and home.pk != resident.home_id:
            services.resident_move_home(actor=user, resident=resident, home=home)
    return _resident(request, pk)


@residents_router.post(
    "/{int:pk}/reveal",
    response={200: RevealOut, **ERROR_RESPONSES},
    summary="Show the ID number or phone in full (needs the reveal right; audited)",
)
def reveal(request, pk: int, payload: RevealIn, response: HttpResponse):
    resident = selectors.resident_for(request.auth, pk)
    if resident is None:
        raise Http404
    value = services.reveal(actor=request.auth, resident=resident, field=payload.field, purpose=payload.purpose)
    response["Cache-Control"] = "no-store"
    return {"value": value}


# -- households ---------------------------------------------------------------------------------------


def _household(request, pk: int):
    household = selectors.household_for(request.auth, pk)
    if household is None:
        raise Http404
    household.member_rows = list(selectors.members(request.auth, household))
    return household


@households_router.get("", response={200: list[HouseholdOut], **ERROR_RESPONSES}, summary="List households in scope")
@paginate(PageNumber)
def list_households(request, filters: Query[HouseholdFilters]):
    under = place_by_code(request.auth, filters.under) if filters.under else None
    return selectors.households(
        request.auth, q=filters.q or "", place=under, include_inactive=filters.include_inactive, no_head=filters.no_head
    )


@households_router.post("", response={201: HouseholdDetailOut, **ERROR_RESPONSES}, summary="Register a household")
def create_household(request, payload: HouseholdIn):
    user = request.auth
    house = place_by_code(user, payload.house, field="house")
    head = selectors.resident_for(user, payload.head)
    if head is None:
        raise ValidationError({"head": _("No resident with this record number.")})
    household = services.household_create(
        actor=user, house=house, head=head, since=payload.since, number=payload.number
    )
    return Status(201, _household(request, household.pk))


@households_router.get(
    "/{int:pk}",
    response={200: HouseholdDetailOut, **ERROR_RESPONSES},
    summary="One household with its members (history included)",
)
def get_household(request, pk: int):
    return _household(request, pk)


@households_router.post(
    "/{int:pk}/members", response={201: HouseholdDetailOut, **ERROR_RESPONSES}, summary="Move a resident in"
)
def move_in(request, pk: int, payload: MoveInIn):
    user = request.auth
    household = _household(request, pk)
    resident = selectors.resident_for(user, payload.resident)
    if resident is None:
        raise ValidationError({"resident": _("No resident with this record number.")})
    services.household_move_in(
        actor=user, household=household, resident=resident, relation=payload.relation, since=payload.since
    )
    return Status(201, _household(request, pk))


@households_router.post(
    "/{int:pk}/members/{int:member_pk}/move-out",
    response={200: HouseholdDetailOut, **ERROR_RESPONSES},
    summary="Move a member out (the history stays)",
)
def move_out(request, pk: int, member_pk: int, payload: MoveOutIn):
    household = _household(request, pk)
    membership = next((m for m in household.member_rows if m.pk == member_pk), None)
    if membership is None:
        raise Http404
    membership.household = household
    services.household_move_out(actor=request.auth, membership=membership, until=payload.until)
    return _household(request, pk)
