"""Use cases for accounts, role bindings and API tokens."""

from __future__ import annotations

from datetime import timedelta

from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.areas.models import Grid, Place
from linli.core import audit
from linli.core.paths import is_within
from linli.core.permissions import Action, bindings_for, can, forget_bindings, require, require_at, role_may
from linli.core.services import assign, save_audited
from linli.orgs.models import Organisation

from .models import ApiToken, RoleBinding, User
from .roles import ROLE_RANK, ROLE_SCOPES, Role, ScopeKind

USER_FIELDS = {"display_name", "first_name", "last_name", "email", "is_active"}


@transaction.atomic
def user_create(*, actor, username: str, password: str, home: Place, **attrs) -> User:
    """Create an account registered under ``home`` (the place whose managers look after it)."""
    require_at(actor, Action.ADD, User, home.path)
    username = (username or "").strip()
    user = User(username=username, scope_path=home.path)
    assign(user, attrs, USER_FIELDS)
    errors = {}
    try:
        user.full_clean(exclude=["password"])
    except ValidationError as exc:
        errors.update(exc.message_dict)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        errors["password"] = exc.messages
    if errors:
        raise ValidationError(errors)
    user.set_password(password)
    save_audited(actor=actor, obj=user, action="create", validate=False)
    return user


# -- who may manage an account -----------------------------------------------------------------------


def _outranks_actor(actor, user: User) -> bool:
    """Does ``user`` hold a role the actor could not grant where it is held (above theirs, or out of reach)?

    Every binding counts, current or not: a lapsed role can be renewed, so its holder stays out of reach.
    """
    return any(
        ROLE_RANK[Role(b.role)] < actor_rank_at(actor, b.scope_path)
        for b in RoleBinding.objects.filter(user=user).only("role", "scope_path")
    )


def may_manage_account(actor, user: User) -> bool:
    """May ``actor`` change ``user``'s account (profile, activation, password, roles)?

    The rank rule of role grants, applied to the whole account: nobody manages above their own role.
    The actor needs ``change`` on the account (its home is in their scope) and must be able to grant
    every role the account holds, where it holds it. Only superusers touch superusers.
    """
    if user.is_superuser and not actor.is_superuser:
        return False
    if not can(actor, Action.CHANGE, user):
        return False
    return actor.is_superuser or not _outranks_actor(actor, user)


def require_manage_account(actor, user: User) -> None:
    require(actor, Action.CHANGE, user)
    if user.is_superuser and not actor.is_superuser:
        raise PermissionDenied(_("Only a superuser can change a superuser."))
    if not actor.is_superuser and _outranks_actor(actor, user):
        raise PermissionDenied(_("This account holds a role above your own: ask someone of that rank."))


def _revoke_all_tokens(*, actor, user: User) -> None:
    """A changed password or a disabled account ends every API token, as it ends web sessions."""
    now = timezone.now()
    for token in ApiToken.objects.select_for_update().filter(user=user, revoked_at__isnull=True):
        token.revoked_at = now
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke_token", obj=token, scope_path=user.scope_path)


@transaction.atomic
def user_update(*, actor, user: User, **changes) -> User:
    user = User.objects.select_for_update().get(pk=user.pk)
    require_manage_account(actor, user)
    if changes.get("is_active") is False and user.pk == actor.pk:
        raise ValidationError({"is_active": _("You cannot deactivate your own account.")})
    before = audit.snapshot(user)
    assign(user, changes, USER_FIELDS)
    save_audited(actor=actor, obj=user, action="update", before=before, exclude_from_validation=["password"])
    if changes.get("is_active") is False:
        _revoke_all_tokens(actor=actor, user=user)
    return user


@transaction.atomic
def user_set_password(*, actor, user: User, password: str) -> None:
    """An administrator sets a new password (the user's own change goes through ``password_change``)."""
    require_manage_account(actor, user)
    try:
        password_validation.validate_password(password, user)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    user.set_password(password)
    user.save(update_fields=["password"])
    audit.record(actor=actor, action="set_password", obj=user)
    _revoke_all_tokens(actor=actor, user=user)


@transaction.atomic
def password_change(*, user: User, old_password: str, new_password: str) -> None:
    if not user.check_password(old_password):
        raise ValidationError({"old_password": _("Your old password was entered incorrectly.")})
    try:
        password_validation.validate_password(new_password, user)
    except ValidationError as exc:
        raise ValidationError({"new_password": exc.messages}) from exc
    user.set_password(new_password)
    user.save(update_fields=["password"])
    audit.record(actor=user, action="change_password", obj=user)
    _revoke_all_tokens(actor=user, user=user)


# -- role bindings -----------------------------------------------------------------------------------


def binding_scope_path(role: str, place: Place | None, grid: Grid | None, org: Organisation | None) -> str:
    kind, detail = ROLE_SCOPES[Role(role)]
    if kind == ScopeKind.PLACE:
        if place is None:
            raise ValidationError({"place": _("Choose the place this role covers.")})
        if place.level != detail:
            from linli.areas.models import Level

            raise ValidationError(
                {
                    "place": _("A %(role)s is bound to a %(level)s.")
                    % {"role": Role(role).label, "level": Level(detail).label}
                }
            )
        return place.path
    if kind == ScopeKind.GRID:
        if grid is None:
            raise ValidationError({"grid": _("Choose the grid this role covers.")})
        return grid.scope_path
    if org is None:
        raise ValidationError({"organisation": _("Choose the organisation this role belongs to.")})
    if org.kind != detail:
        raise ValidationError(
            {"organisation": _("A %(role)s belongs to an organisation of the right kind.") % {"role": Role(role).label}}
        )
    return org.scope_path


def actor_rank_at(actor, path: str) -> int:
    """The strongest rank among the actor's bindings that may grant roles at ``path`` (99: none)."""
    ranks = [
        ROLE_RANK[Role(b.role)]
        for b in bindings_for(actor)
        if role_may(b.role, RoleBinding, Action.ADD) and is_within(path, RoleBinding.coverage_prefixes(b))
    ]
    return min(ranks) if ranks else 99


@transaction.atomic
def binding_add(
    *, actor, user: User, role: str, place=None, grid=None, organisation=None, valid_until=None
) -> RoleBinding:
    if role not in Role.values:
        raise ValidationError({"role": _("Unknown role.")})
    kind = ROLE_SCOPES[Role(role)][0]
    place = place if kind == ScopeKind.PLACE else None
    grid = grid if kind == ScopeKind.GRID else None
    organisation = organisation if kind == ScopeKind.ORGANISATION else None
    path = binding_scope_path(role, place, grid, organisation)
    require_at(actor, Action.ADD, RoleBinding, path)
    require(actor, Action.VIEW, user)
    if not actor.is_superuser and _outranks_actor(actor, user):
        raise PermissionDenied(_("This account holds a role above your own: ask someone of that rank."))
    if not actor.is_superuser and ROLE_RANK[Role(role)] < actor_rank_at(actor, path):
        raise PermissionDenied(_("You cannot grant a role above your own."))
    binding = RoleBinding(
        user=user,
        role=role,
        place=place,
        grid=grid,
        organisation=organisation,
        scope_path=path,
        valid_until=valid_until,
        granted_by=actor,
    )
    if RoleBinding.objects.filter(user=user, role=role, place=place, grid=grid, organisation=organisation).exists():
        raise ValidationError({"role": _("This user already holds this role here.")})
    try:
        with transaction.atomic():
            save_audited(actor=actor, obj=binding, action="create", validate=False)
    except IntegrityError as exc:
        raise ValidationError({"role": _("This user already holds this role here.")}) from exc
    forget_bindings(user)
    return binding


@transaction.atomic
def binding_remove(*, actor, binding: RoleBinding) -> None:
    require(actor, Action.DELETE, binding)
    if not actor.is_superuser and ROLE_RANK[Role(binding.role)] < actor_rank_at(actor, binding.scope_path):
        raise PermissionDenied(_("You cannot remove a role above your own."))
    if not actor.is_superuser and _outranks_actor(actor, binding.user):
        raise PermissionDenied(_("This account holds a role above your own: ask someone of that rank."))
    before = audit.snapshot(binding)
    audit.record(actor=actor, action="delete", obj=binding, before=before)
    binding.delete()
    forget_bindings(binding.user)


# -- API tokens --------------------------------------------------------------------------------------


@transaction.atomic
def token_issue(*, user: User, name: str = "", ttl: timedelta | None = None) -> tuple[ApiToken, str]:
    raw = ApiToken.generate()
    token = ApiToken.objects.create(
        user=user,
        name=(name or "")[:60],
        key_hash=ApiToken.hash(raw),
        prefix=raw[:8],
        expires_at=timezone.now() + (ttl or settings.LINLI_API_TOKEN_TTL),
    )
    audit.record(actor=user, action="issue_token", obj=token, scope_path=user.scope_path)
    return token, raw


@transaction.atomic
def token_revoke(*, actor, token: ApiToken) -> ApiToken:
    if token.user_id != actor.pk and not actor.is_superuser:
        raise PermissionDenied(_("You can only revoke your own tokens."))
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        audit.record(actor=actor, action="revoke_token", obj=token, scope_path=token.user.scope_path)
    return token


def token_authenticate(raw: str) -> User | None:
    if not raw or len(raw) > 200:
        return None
    token = ApiToken.objects.usable().select_related("user").filter(key_hash=ApiToken.hash(raw)).first()
    if token is None:
        return None
    if token.user.is_demo and settings.LINLI_ENV == "production":
        return None  # demo accounts never work in production, whatever tokens they hold
    now = timezone.now()
    if token.last_used_at is None or now - token.last_used_at > timedelta(minutes=5):
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
    token.user._linli_token = token
    return token.user
