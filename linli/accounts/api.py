"""/api/v1/auth, /api/v1/users and /api/v1/audit."""

from datetime import datetime

from django.contrib.auth import authenticate
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema, Status
from ninja.pagination import paginate

from linli.areas.models import Grid, Place
from linli.areas.selectors import place_by_code
from linli.core import ratelimit
from linli.core.api import ERROR_RESPONSES, ErrorBody, PageNumber, UtcDateTime, error_response
from linli.core.models import AuditLog
from linli.core.paths import subtree_q
from linli.core.permissions import Action, restrict
from linli.orgs.models import Organisation

from . import services, throttle
from .models import RoleBinding
from .roles import Role
from .selectors import users_with_visible_roles, visible_bindings

auth_router = Router(tags=["auth"])
users_router = Router(tags=["users"])
audit_router = Router(tags=["audit"])


# -- auth --------------------------------------------------------------------------------------------


class TokenIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    name: str = Field("", max_length=60, description="A label for this token, e.g. the device")


class TokenOut(Schema):
    token: str
    token_type: str = "Bearer"
    expires_at: datetime


class BindingOut(Schema):
    id: int
    role: str
    role_label: str
    scope_kind: str
    scope_code: str
    scope_name: str
    valid_until: datetime | None = None

    @staticmethod
    def resolve_role_label(obj):
        return str(obj.get_role_display())

    @staticmethod
    def resolve_scope_kind(obj):
        return "place" if obj.place_id else "grid" if obj.grid_id else "organisation"

    @staticmethod
    def resolve_scope_code(obj):
        scope = obj.scope_object
        return str(getattr(scope, "code", None) or scope.pk)

    @staticmethod
    def resolve_scope_name(obj):
        return obj.scope_object.name


class MeOut(Schema):
    id: int
    username: str
    display_name: str
    is_superuser: bool
    roles: list[BindingOut]

    @staticmethod
    def resolve_roles(obj):
        return list(obj.active_bindings())


@auth_router.post(
    "/token",
    auth=None,
    response={201: TokenOut, 400: ErrorBody, 401: ErrorBody, 429: ErrorBody},
    summary="Exchange username and password for a bearer token",
)
def issue_token(request, payload: TokenIn):
    refused = throttle.login_refused(request, payload.username)
    if refused:
        return ratelimit.api_response(refused)
    user = authenticate(request, username=payload.username, password=payload.password)
    if getattr(request, "axes_locked_out", False):
        from .lockout import lockout_response

        return lockout_response(request)
    if user is None or not user.is_active:
        return error_response(401, "invalid_credentials", _("Wrong username or password."))
    token, raw = services.token_issue(user=user, name=payload.name)
    return Status(201, {"token": raw, "expires_at": token.expires_at})


@auth_router.delete("/token", response={204: None, **ERROR_RESPONSES}, summary="Revoke the token in use")
def revoke_token(request):
    token = getattr(request.auth, "_linli_token", None)
    if token is None:
        raise ValidationError(_("This request was not made with a bearer token."))
    services.token_revoke(actor=request.auth, token=token)
    return Status(204, None)


@auth_router.get("/me", response={200: MeOut, **ERROR_RESPONSES}, summary="Who am I, with my roles")
def me(request):
    return request.auth


# -- users and roles ---------------------------------------------------------------------------------


class UserOut(Schema):
    id: int
    username: str
    display_name: str
    is_active: bool
    home_path: str = Field(..., alias="scope_path")
    last_login: datetime | None = None
    roles: list[BindingOut] = Field(default_factory=list, description="The role grants in the caller's scope")


class UserFilters(Schema):
    q: str | None = Field(None, max_length=60)
    role: Role | None = None
    under: str | None = None


class UserIn(Schema):
    username: str = Field(..., min_length=1, max_length=150)
    password: str = Field(..., min_length=1, max_length=256)
    display_name: str = Field("", max_length=60)
    home: str = Field(..., max_length=24, description="Code of the place the account is registered under")


class UserPatch(Schema):
    display_name: str | None = Field(None, max_length=60)
    is_active: bool | None = None


class BindingIn(Schema):
    role: Role
    place: str | None = Field(None, max_length=24, description="Place code (place-bound roles)")
    grid: str | None = Field(None, max_length=20, description="Grid code (grid workers)")
    organisation: int | None = Field(None, ge=1, description="Organisation id (department/property staff)")
    valid_until: UtcDateTime | None = None


def _users(user):
    return users_with_visible_roles(user)


@users_router.get("", response={200: list[UserOut], **ERROR_RESPONSES}, summary="List accounts in scope")
@paginate(PageNumber)
def list_users(request, filters: Query[UserFilters]):
    qs = _users(request.auth)
    if filters.q:
        from django.db.models import Q

        qs = qs.filter(Q(username__icontains=filters.q) | Q(display_name__icontains=filters.q))
    if filters.role:
        qs = qs.filter(pk__in=visible_bindings(request.auth).filter(role=filters.role).values("user_id"))
    if filters.under:
        qs = qs.filter(subtree_q("scope_path", place_by_code(request.auth, filters.under).path))
    return qs.order_by("username")


@users_router.post("", response={201: UserOut, **ERROR_RESPONSES}, summary="Create an account")
def create_user(request, payload: UserIn):
    home = place_by_code(request.auth, payload.home, field="home")
    user = services.user_create(
        actor=request.auth,
        username=payload.username,
        password=payload.password,
        home=home,
        display_name=payload.display_name,
    )
    return Status(201, _users(request.auth).get(pk=user.pk))


@users_router.get("/{int:user_id}", response={200: UserOut, **ERROR_RESPONSES}, summary="One account")
def get_user(request, user_id: int):
    return get_object_or_404(_users(request.auth), pk=user_id)


@users_router.patch("/{int:user_id}", response={200: UserOut, **ERROR_RESPONSES}, summary="Edit an account")
def update_user(request, user_id: int, payload: UserPatch):
    user = get_object_or_404(_users(request.auth), pk=user_id)
    data = {k: ("" if v is None and k == "display_name" else v) for k, v in payload.dict(exclude_unset=True).items()}
    services.user_update(actor=request.auth, user=user, **data)
    return get_object_or_404(_users(request.auth), pk=user_id)


@users_router.post(
    "/{int:user_id}/roles", response={201: BindingOut, **ERROR_RESPONSES}, summary="Grant a role on a scope"
)
def add_role(request, user_id: int, payload: BindingIn):
    user = get_object_or_404(_users(request.auth), pk=user_id)
    place = place_by_code(request.auth, payload.place, field="place") if payload.place else None
    grid = None
    if payload.grid:
        grid = restrict(Grid.objects.all(), request.auth, Action.VIEW).filter(code=payload.grid).first()
        if grid is None:
            raise ValidationError({"grid": _("Unknown grid code.")})
    org = None
    if payload.organisation:
        org = restrict(Organisation.objects.all(), request.auth, Action.VIEW).filter(pk=payload.organisation).first()
        if org is None:
            raise ValidationError({"organisation": _("Unknown organisation.")})
    binding = services.binding_add(
        actor=request.auth,
        user=user,
        role=payload.role,
        place=place,
        grid=grid,
        organisation=org,
        valid_until=payload.valid_until,
    )
    return Status(201, binding)


@users_router.delete(
    "/{int:user_id}/roles/{int:binding_id}", response={204: None, **ERROR_RESPONSES}, summary="Remove a role"
)
def remove_role(request, user_id: int, binding_id: int):
    qs = restrict(RoleBinding.objects.filter(user_id=user_id), request.auth, Action.VIEW)
    binding = get_object_or_404(qs, pk=binding_id)
    services.binding_remove(actor=request.auth, binding=binding)
    return Status(204, None)


# -- audit -------------------------------------------------------------------------------------------


class AuditOut(Schema):
    id: int
    at: datetime
    actor: str = Field(..., alias="actor_name")
    action: str
    object_type: str
    object_id: str
    object_repr: str
    place_path: str = Field(..., alias="scope_path")
    before: dict | None = None
    after: dict | None = None
    note: str
    request_id: str
    ip: str | None = None


class AuditFilters(Schema):
    actor: str | None = Field(None, max_length=150, description="Username")
    object_type: str | None = Field(None, max_length=64, description="e.g. areas.place")
    object_id: str | None = Field(None, max_length=64)
    action: str | None = Field(None, max_length=32)
    since: UtcDateTime | None = None
    until: UtcDateTime | None = None


def audit_rows(user, f: AuditFilters):
    qs = restrict(AuditLog.objects.all(), user, Action.VIEW)
    if f.actor:
        qs = qs.filter(actor_name=f.actor)
    if f.object_type:
        qs = qs.filter(object_type=f.object_type)
    if f.object_id:
        qs = qs.filter(object_id=f.object_id)
    if f.action:
        qs = qs.filter(action=f.action)
    if f.since:
        qs = qs.filter(at__gte=f.since)
    if f.until:
        qs = qs.filter(at__lt=f.until)
    return qs.order_by("-at", "-id")


@audit_router.get("", response={200: list[AuditOut], **ERROR_RESPONSES}, summary="The audit trail in scope")
@paginate(PageNumber)
def list_audit(request, filters: Query[AuditFilters]):
    return audit_rows(request.auth, filters)


__all__ = ["Place", "audit_router", "auth_router", "users_router"]
