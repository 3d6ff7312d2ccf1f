"""Places and grids in the superusers' admin (codes are never reused: archive instead of deleting)."""

from django.contrib import admin

from linli.core.admin import ReadOnlyAdminMixin

from .models import Grid, Place


@admin.register(Place)
class PlaceAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "level", "path", "grid", "is_active")
    list_filter = ("level", "is_active")
    search_fields = ("code", "name", "address")
    raw_id_fields = ("parent", "grid")
    list_select_related = ("grid",)
    readonly_fields = ("path", "next_child_seq", "created_at", "updated_at")
    ordering = ("path",)


@admin.register(Grid)
class GridAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("code", "name", "community", "is_active")
    list_filter = ("is_active",)
    search_fields = ("code", "name", "community__name")
    raw_id_fields = ("community",)
    list_select_related = ("community",)
    readonly_fields = ("scope_path", "created_at", "updated_at")
