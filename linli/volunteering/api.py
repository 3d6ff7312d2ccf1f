"""/api/v1/volunteering/: activities, sign-up and cancellation, check-in/out by code, my record, volunteers."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema, Status
from ninja.pagination import paginate

from linli.core import dates
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.permissions import Action, restrict

from . import selectors, services
from .models import SignUp

router = Router(tags=["volunteering"])


class ActivityOut(Schema):
    id: int
    title: str
    kind: str
    content: str
    status: str
    community_code: str = Field(..., alias="community.code")
    place_name: str = Field(..., alias="place.name")
    location: str
    starts_at: dt.datetime
    ends_at: dt.datetime
    signup_closes_at: dt.datetime | None = None
    slots: int
    taken: int = 0
    waiting: int = 0
    skills: list[str]
    min_age: int | None = None
    max_age: int | None = None
    is_risky: bool
    insurance_confirmed: bool
    organiser_name: str


class SignUpOut(Schema):
    id: int
    activity_id: int
    volunteer_id: int
    status: str
    signed_up_at: dt.datetime
    checked_in_at: dt.datetime | None = None
    checked_out_at: dt.datetime | None = None


class VolunteerOut(Schema):
    id: int
    number: str
    name: str = Field(..., alias="resident.name")
    id_masked: str = Field(..., alias="resident.id_masked")
    community_code: str = Field(..., alias="community.code")
    skills: list[str]
    availability: str
    status: str
    registered_on: dt.date
    total_hours: Decimal
    stars: int


class VolunteerMeOut(Schema):
    volunteer: VolunteerOut
    hours_this_year: Decimal


class CodeIn(Schema):
    code: str = Field(..., min_length=1, max_length=200)


@router.get(
    "/activities",
    response={200: list[ActivityOut], **ERROR_RESPONSES},
    summary="Activities the caller may see (upcoming=true: not yet ended, published)",
)
@paginate(PageNumber)
def list_activities(request, upcoming: bool = False, q: str = ""):
    return selectors.activities(request.auth, q=q, upcoming=upcoming)


@router.get("/activities/{int:activity_id}", response={200: ActivityOut, **ERROR_RESPONSES}, summary="One activity")
def get_activity(request, activity_id: int):
    return get_object_or_404(selectors.activities(request.auth), pk=activity_id)


@router.post(
    "/activities/{int:activity_id}/signup",
    response={201: SignUpOut, **ERROR_RESPONSES},
    summary="Sign up as the caller's own volunteer record (a place, or the waiting list)",
)
def signup(request, activity_id: int):
    activity = selectors.activity_for(request.auth, activity_id)
    return Status(201, services.signup_create(actor=request.auth, activity=activity))


@router.post(
    "/signups/{int:signup_id}/cancel",
    response={200: SignUpOut, **ERROR_RESPONSES},
    summary="Cancel a sign-up (the next on the waiting list gets the place)",
)
def cancel(request, signup_id: int):
    s = get_object_or_404(restrict(SignUp.objects.all(), request.auth), pk=signup_id)
    return services.signup_cancel(actor=request.auth, signup=s)


@router.post(
    "/check",
    response={200: SignUpOut, **ERROR_RESPONSES},
    summary="Check in or out with the organiser's code (expires, one use per volunteer)",
)
def check(request, payload: CodeIn):
    return services.check_by_code(actor=request.auth, code=payload.code)


@router.get("/me", response={200: VolunteerMeOut, **ERROR_RESPONSES}, summary="The caller's volunteer record and hours")
def me(request):
    v = services.volunteer_of(request.auth)
    if v is None:
        raise ValidationError(_("Register as a volunteer first."))

    return {"volunteer": v, "hours_this_year": selectors.hours(v, dates.today().year)}


@router.get(
    "/volunteers",
    response={200: list[VolunteerOut], **ERROR_RESPONSES},
    summary="Volunteers in the caller's scope (ID numbers masked)",
)
@paginate(PageNumber)
def list_volunteers(request, q: str = ""):
    return selectors.volunteers(request.auth, Action.VIEW, q=q)
