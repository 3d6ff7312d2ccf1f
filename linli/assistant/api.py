"""/api/v1/assistant/: routing suggestions for a report text (协同治理)."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.utils.translation import gettext as _
from ninja import Field, Router, Schema

from linli.areas.models import Place
from linli.areas.selectors import parse_place_code
from linli.core.api import ERROR_RESPONSES
from linli.core.permissions import may_any
from linli.workorders.models import Case

from . import services
from .engine.text import MAX_CHARS

router = Router(tags=["assistant"])


class AssistantRouteIn(Schema):
    text: str = Field(..., max_length=4 * MAX_CHARS, description=f"The report text, at most {MAX_CHARS} characters")
    place: str | None = Field(
        None, max_length=24, description="Code of the place reported about (house, building, compound …); optional"
    )


class AssistantAlternativeOut(Schema):
    category: str
    category_name: str
    confidence: str
    reasons: list[str]


class AssistantUrgencyOut(Schema):
    code: str = Field(..., description="trapped, gas, fire, fall, electric, flood, falling")
    label: str
    words: list[str]


class AssistantDuplicateOut(Schema):
    id: int
    number: str
    title: str
    score: float
    reported: str


class AssistantRouteOut(Schema):
    category: str = Field(..., description="Suggested top-level category code")
    category_name: str
    organisation: str = Field(..., description="Suggested lead handler ('' = the community itself)")
    organisation_id: int | None = None
    confidence: str = Field(..., description="0–1, as a decimal string")
    reasons: list[str] = Field(..., description="The words that decided it")
    alternatives: list[AssistantAlternativeOut]
    urgency: list[AssistantUrgencyOut]
    duplicates: list[AssistantDuplicateOut]
    model_version: int | None = Field(None, description="None: the keyword rules answered alone")
    notice: str


def _place(code: str) -> Place:
    """Any active place: a report may be about a road or a building outside the reporter's own scope (as work
    orders' report form); duplicates are still only those the caller may see."""
    code = parse_place_code(code, "place")
    place = Place.objects.filter(code=code, is_active=True).first()
    if place is None:
        raise ValidationError({"place": _("Unknown place code: %(code)s") % {"code": code}})
    return place


@router.post("/route", response={200: AssistantRouteOut, **ERROR_RESPONSES}, summary="Suggest category and handler")
def route(request, body: AssistantRouteIn):
    """A suggestion for a person to confirm (个人信息保护法 第24条): category, lead handler, confidence, the deciding
    words, three alternatives, urgency flags and likely duplicates among the cases the caller may see."""
    user = request.auth
    if not may_any(user, Case, "add") and not may_any(user, Case, "change"):
        raise PermissionDenied(_("You may not route reports."))
    place = _place(body.place) if body.place else None
    result = services.route(body.text, place=place, user=user)
    return {**result.as_json(), "notice": _("Made by the assistant, for reference only (由智能助手生成，仅供参考).")}
