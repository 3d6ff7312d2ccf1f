"""The Django admin is for superusers only (config/urls.py); day-to-day work goes through linli's own pages."""

from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from linli.core.admin import ReadOnlyAdminMixin

from .models import ApiToken, RoleBinding, User


class RoleBindingInline(ReadOnlyAdminMixin, admin.TabularInline):
    model = RoleBinding
    fk_name = "user"
    extra = 0
    fields = ("role", "place", "grid", "organisation", "is_active", "valid_until", "granted_by")
    raw_id_fields = ("place", "grid", "organisation", "granted_by")


@admin.register(User)
class UserAdmin(ReadOnlyAdminMixin, DjangoUserAdmin):
    list_display = ("username", "display_name", "scope_path", "is_active", "is_staff", "is_superuser", "last_login")
    list_filter = ("is_active", "is_staff", "is_superuser", "is_demo")
    search_fields = ("username", "display_name", "first_name", "last_name", "email")
    readonly_fields = ("is_demo", "last_login", "date_joined")
    fieldsets = (
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("display_name", "first_name", "last_name", "email")}),
        (_("Place"), {"fields": ("scope_path", "is_demo")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    )
    add_fieldsets = (
        (
            None,
            {"classes": ("wide",), "fields": ("username", "scope_path", "usable_password", "password1", "password2")},
        ),
    )
    inlines = [RoleBindingInline]


@admin.register(RoleBinding)
class RoleBindingAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("user", "role", "place", "grid", "organisation", "scope_path", "is_active", "valid_until")
    list_filter = ("role", "is_active")
    search_fields = ("user__username", "user__display_name", "scope_path")
    raw_id_fields = ("user", "place", "grid", "organisation", "granted_by")
    list_select_related = ("user", "place", "grid", "organisation")
    readonly_fields = ("scope_path",)


@admin.register(ApiToken)
class ApiTokenAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("prefix", "user", "name", "expires_at", "revoked_at", "last_used_at")
    list_filter = ("revoked_at",)
    search_fields = ("user__username", "name", "prefix")
    list_select_related = ("user",)
    fields = ("user", "name", "prefix", "expires_at", "revoked_at", "last_used_at", "created_at")
    readonly_fields = ("user", "prefix", "last_used_at", "created_at")

    def has_add_permission(self, request):
        # Tokens are issued through /api/v1/auth/token so that the secret is shown once, to its owner.
        return False
