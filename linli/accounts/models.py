"""Users, their role bindings on the place tree, and API tokens."""

from __future__ import annotations

import hashlib
import secrets

from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core.models import BaseModel, ScopedModel

from .roles import Role


class User(ScopedModel, AbstractUser):
    """A person who logs in. ``scope_path`` is where the account was registered (for who manages it)."""

    display_name = models.CharField(_("display name"), max_length=60, blank=True)
    scope_path = models.CharField(_("place path"), max_length=24, blank=True, db_index=True)
    is_demo = models.BooleanField(_("demo account"), default=False, editable=False)

    objects = UserManager()

    audit_exclude = frozenset({"password", "last_login"})

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")
        ordering = ["username"]

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    def active_bindings(self):
        return (
            self.role_bindings.current()
            .select_related("place", "grid", "organisation", "organisation__area")
            .prefetch_related("grid__buildings", "organisation__managed_compounds")
        )


class RoleBindingQuerySet(models.QuerySet):
    def current(self):
        """Bindings in force now: active and not past their end."""
        return self.filter(is_active=True).filter(
            models.Q(valid_until__isnull=True) | models.Q(valid_until__gt=timezone.now())
        )


class RoleBinding(ScopedModel, BaseModel):
    """A role held by a user over one scope: a place, a grid or an organisation."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="role_bindings")
    role = models.CharField(_("role"), max_length=32, choices=Role.choices)
    place = models.ForeignKey(
        "areas.Place", verbose_name=_("place"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    grid = models.ForeignKey(
        "areas.Grid", verbose_name=_("grid"), null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    organisation = models.ForeignKey(
        "orgs.Organisation",
        verbose_name=_("organisation"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="role_bindings",
    )
    scope_path = models.CharField(_("place path"), max_length=24, db_index=True, editable=False)
    is_active = models.BooleanField(_("active"), default=True)
    valid_until = models.DateTimeField(_("valid until"), null=True, blank=True)
    granted_by = models.ForeignKey(
        User, verbose_name=_("granted by"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = RoleBindingQuerySet.as_manager()

    class Meta:
        verbose_name = _("role binding")
        verbose_name_plural = _("role bindings")
        ordering = ["user_id", "role"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(place__isnull=False, grid__isnull=True, organisation__isnull=True)
                    | models.Q(place__isnull=True, grid__isnull=False, organisation__isnull=True)
                    | models.Q(place__isnull=True, grid__isnull=True, organisation__isnull=False)
                ),
                name="binding_exactly_one_scope",
            ),
            # one binding per user, role and scope (three partial constraints: SQLite has no NULLS NOT DISTINCT)
            models.UniqueConstraint(
                fields=["user", "role", "place"], condition=models.Q(place__isnull=False), name="binding_unique_place"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "grid"], condition=models.Q(grid__isnull=False), name="binding_unique_grid"
            ),
            models.UniqueConstraint(
                fields=["user", "role", "organisation"],
                condition=models.Q(organisation__isnull=False),
                name="binding_unique_org",
            ),
        ]

    def __str__(self):
        return f"{self.get_role_display()} @ {self.scope_object}"

    @property
    def scope_object(self):
        return self.place or self.grid or self.organisation

    def place_prefixes(self) -> list[str]:
        """The subtrees of the place tree this binding covers directly."""
        cached = getattr(self, "_prefixes", None)
        if cached is not None:
            return cached
        if self.place_id:
            prefixes = [self.place.path]
        elif self.grid_id:
            prefixes = [b.path for b in self.grid.buildings.all() if b.is_active]
        else:
            prefixes = []
        self._prefixes = prefixes
        return prefixes


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now(), user__is_active=True)


class ApiToken(BaseModel):
    """A revocable, expiring bearer token. Only its SHA-256 is stored; the secret is shown once."""

    user = models.ForeignKey(User, verbose_name=_("user"), on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=60, blank=True)
    key_hash = models.CharField(max_length=64, unique=True, editable=False)
    prefix = models.CharField(_("prefix"), max_length=8, editable=False)
    expires_at = models.DateTimeField(_("expires at"))
    revoked_at = models.DateTimeField(_("revoked at"), null=True, blank=True)
    last_used_at = models.DateTimeField(_("last used at"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    audit_exclude = frozenset({"key_hash"})

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.prefix}… ({self.user})"

    @staticmethod
    def hash(raw: str) -> str:
        return hashlib.sha256(raw.encode()).hexdigest()

    @staticmethod
    def generate() -> str:
        return "ll_" + secrets.token_urlsafe(32)

    @property
    def is_usable(self) -> bool:
        return self.revoked_at is None and self.expires_at > timezone.now()
