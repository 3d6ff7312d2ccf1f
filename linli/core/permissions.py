"""The one permission chokepoint.

Every page, API endpoint, export and background job reads through ``restrict`` and every
service checks writes with ``require``/``require_path``. The rule is default-deny:

* a domain *grants* actions on its models to roles (``rules.py`` in each app);
* a user holds *role bindings*, each tying a role to a scope (a place, a grid or an organisation);
* a row is visible for an action when one of the user's bindings has a role granted that action
  on the row's model AND the binding's scope covers the row (``ScopedModel.scope_q``).

Superusers see everything (they also own the Django admin); nobody else has implicit rights.
"""

from __future__ import annotations

from collections import defaultdict
from enum import StrEnum

from django.core.exceptions import PermissionDenied
from django.db import models
from django.utils.translation import gettext as _

from .paths import is_within


class Action(StrEnum):
    VIEW = "view"
    ADD = "add"
    CHANGE = "change"
    DELETE = "delete"
    REVEAL = "reveal"  # see personal numbers in full (each time audited)
    EXPORT = "export"  # download lists of personal data (each export audited)


# role -> model label -> actions
_grants: dict[str, dict[str, set[str]]] = defaultdict(lambda: defaultdict(set))


def _label(model) -> str:
    return model._meta.label_lower


def grant(role: str, model, *actions: str) -> None:
    """Grant ``actions`` on ``model`` to ``role`` (called from each domain's ``rules.py``)."""
    for action in actions:
        _grants[str(role)][_label(model)].add(str(Action(action)))


def grants_for(role: str) -> dict[str, set[str]]:
    return {label: set(actions) for label, actions in _grants.get(str(role), {}).items()}


def role_may(role: str, model, action: str) -> bool:
    return str(action) in _grants.get(str(role), {}).get(_label(model), ())


def bindings_for(user) -> list:
    """The user's active role bindings, loaded once per request/user object."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return []
    cached = getattr(user, "_linli_bindings", None)
    if cached is None:
        cached = list(user.active_bindings())
        user._linli_bindings = cached
    return cached


def forget_bindings(user) -> None:
    if hasattr(user, "_linli_bindings"):
        del user._linli_bindings


def scope_q(user, model, action: str) -> models.Q | None:
    """The filter that restricts ``model`` to what ``user`` may ``action``; None = nothing."""
    q = None
    for binding in bindings_for(user):
        if not role_may(binding.role, model, action):
            continue
        part = model.scope_q(binding, action)
        if part is not None:
            q = part if q is None else q | part
    return q


def restrict(queryset: models.QuerySet, user, action: str = Action.VIEW) -> models.QuerySet:
    """Narrow ``queryset`` to the rows ``user`` may ``action``. Default deny."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return queryset.none()
    if user.is_superuser:
        return queryset
    q = scope_q(user, queryset.model, action)
    return queryset.none() if q is None else queryset.filter(q)


def can(user, action: str, obj: models.Model) -> bool:
    """May ``user`` do ``action`` on the saved ``obj``? Answered by the same filter as ``restrict``."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    model = type(obj)
    return restrict(model._default_manager.filter(pk=obj.pk), user, action).exists()


def can_at(user, action: str, model, path: str) -> bool:
    """May ``user`` do ``action`` on a ``model`` row placed at ``path`` (e.g. one about to be added)?"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(
        role_may(b.role, model, action) and is_within(path, model.coverage_prefixes(b)) for b in bindings_for(user)
    )


def require(user, action: str, obj: models.Model) -> None:
    if not can(user, action, obj):
        raise PermissionDenied(_("You do not have permission to do this."))


def require_at(user, action: str, model, path: str) -> None:
    if not can_at(user, action, model, path):
        raise PermissionDenied(_("You do not have permission to do this here."))


def may_any(user, model, action: str = Action.VIEW) -> bool:
    """Does any binding let ``user`` do ``action`` on ``model`` somewhere? (menus, buttons)"""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    return user.is_superuser or any(role_may(b.role, model, action) for b in bindings_for(user))
