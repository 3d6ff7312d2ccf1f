from django.contrib import admin

from linli.core.admin import ReadOnlyAdminMixin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("name", "kind", "area", "credit_code", "contact_phone", "is_active")
    list_filter = ("kind", "is_active")
    search_fields = ("name", "short_name", "credit_code")
    raw_id_fields = ("area",)
    filter_horizontal = ("managed_compounds",)
    list_select_related = ("area",)
    readonly_fields = ("scope_path", "created_at", "updated_at")
