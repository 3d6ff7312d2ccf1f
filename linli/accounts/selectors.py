"""Reads of accounts and role bindings, shared by the pages and the API so the two cannot drift."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from linli.core.permissions import Action, restrict

from .models import RoleBinding, User


def visible_users(actor, action: str = Action.VIEW) -> QuerySet:
    return restrict(User.objects.all(), actor, action)


def visible_bindings(actor, action: str = Action.VIEW) -> QuerySet:
    """The role grants ``actor`` may see: those in their scope, never a grant held elsewhere."""
    return restrict(RoleBinding.objects.all(), actor, action)


def users_with_visible_roles(actor) -> QuerySet:
    """Accounts in scope, each with ``roles``: the grants the actor may see (the same filter as the page)."""
    roles = visible_bindings(actor).select_related("place", "grid", "organisation").order_by("role", "pk")
    return visible_users(actor).prefetch_related(Prefetch("role_bindings", queryset=roles, to_attr="roles"))
