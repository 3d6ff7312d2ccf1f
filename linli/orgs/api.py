"""/api/v1/organisations."""

from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.models import Level, Place
from linli.areas.selectors import place_by_code
from linli.core.api import ERROR_RESPONSES, PageNumber
from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict

from . import services
from .models import Organisation, OrgKind
from .selectors import search_q

router = Router(tags=["organisations"])


class OrgOut(Schema):
    id: int
    kind: str
    name: str
    short_name: str
    credit_code: str
    area_code: str = Field(..., alias="area.code")
    area_name: str = Field(..., alias="area.name")
    location_code: str | None = None
    location_name: str | None = None
    contact_name: str
    contact_phone: str
    address: str
    is_active: bool
    managed_compounds: list[str] = []

    @staticmethod
    def resolve_managed_compounds(obj):
        return [c.code for c in obj.managed_compounds.all()]

    @staticmethod
    def resolve_location_code(obj):
        return obj.location.code if obj.location_id else None

    @staticmethod
    def resolve_location_name(obj):
        return obj.location.name if obj.location_id else None


class OrgFilters(Schema):
    kind: OrgKind | None = None
    under: str | None = Field(None, description="Organisations whose area is in this place's subtree")
    q: str | None = Field(
        None, max_length=60, description="Name or short name containing it, or a credit code starting with it"
    )


class OrgIn(Schema):
    kind: OrgKind
    name: str = Field(..., min_length=1, max_length=100)
    short_name: str = Field("", max_length=30)
    credit_code: str = Field("", max_length=18)
    area: str = Field(..., max_length=24, description="Code of the district/street/community served")
    location: str | None = Field(None, max_length=24, description="Code of the place where it sits (within the area)")
    contact_name: str = Field("", max_length=30)
    contact_phone: str = Field("", max_length=20)
    address: str = Field("", max_length=200)
    managed_compounds: list[str] = Field(default_factory=list, max_length=500)


class OrgPatch(Schema):
    kind: OrgKind | None = None
    name: str | None = Field(None, min_length=1, max_length=100)
    short_name: str | None = Field(None, max_length=30)
    credit_code: str | None = Field(None, max_length=18)
    location: str | None = Field(None, max_length=24, description="Place code; empty string clears it")
    contact_name: str | None = Field(None, max_length=30)
    contact_phone: str | None = Field(None, max_length=20)
    address: str | None = Field(None, max_length=200)
    is_active: bool | None = None
    managed_compounds: list[str] | None = Field(None, max_length=500)


def _compounds(request, codes):
    if codes is None:
        return None
    found = {p.code: p for p in restrict(Place.objects.filter(code__in=codes), request.auth, Action.VIEW)}
    missing = [c for c in codes if c not in found]
    if missing:
        raise ValidationError({"managed_compounds": [_("Unknown place code: %(code)s") % {"code": c} for c in missing]})
    return list(found.values())


def _location(request, code):
    if not code:
        return None
    return place_by_code(request.auth, code, field="location")


def visible(user, action=Action.VIEW):
    return (
        restrict(Organisation.objects.all(), user, action)
        .select_related("area", "location")
        .prefetch_related("managed_compounds")
    )


@router.get("", response={200: list[OrgOut], **ERROR_RESPONSES}, summary="List organisations in scope")
@paginate(PageNumber)
def list_orgs(request, filters: Query[OrgFilters]):
    qs = visible(request.auth)
    if filters.kind:
        qs = qs.filter(kind=filters.kind)
    if filters.under:
        qs = qs.filter(subtree_q("scope_path", place_by_code(request.auth, filters.under).path))
    where = search_q(filters.q or "")
    if where is not None:
        qs = qs.filter(where)
    return qs.order_by("kind", "name")


@router.post("", response={201: OrgOut, **ERROR_RESPONSES}, summary="Create an organisation")
def create_org(request, payload: OrgIn):
    data = payload.dict()
    area = place_by_code(request.auth, data.pop("area"), field="area")
    if area.level > Level.COMMUNITY:
        raise ValidationError({"area": _("Choose a district, street or community.")})
    compounds = _compounds(request, data.pop("managed_compounds"))
    location = _location(request, data.pop("location"))
    org = services.organisation_create(
        actor=request.auth, area=area, managed_compounds=compounds, location=location, **data
    )
    return Status(201, visible(request.auth).get(pk=org.pk))


@router.get("/{int:org_id}", response={200: OrgOut, **ERROR_RESPONSES}, summary="One organisation")
def get_org(request, org_id: int):
    return get_object_or_404(visible(request.auth), pk=org_id)


@router.patch("/{int:org_id}", response={200: OrgOut, **ERROR_RESPONSES}, summary="Edit an organisation")
def update_org(request, org_id: int, payload: OrgPatch):
    org = get_object_or_404(visible(request.auth), pk=org_id)
    data = payload.dict(exclude_unset=True)
    compounds = _compounds(request, data.pop("managed_compounds", None))
    if "location" in data:
        data["location"] = _location(request, data["location"])
    for key in ("short_name", "credit_code", "contact_name", "contact_phone", "address"):
        if key in data and data[key] is None:
            data[key] = ""
    services.organisation_update(actor=request.auth, organisation=org, managed_compounds=compounds, **data)
    return get_object_or_404(visible(request.auth), pk=org_id)
