"""The audit trail in the admin: read-only for everyone, superusers included (append-only by design)."""

from django.contrib import admin

from .models import AuditLog


class ReadOnlyAdminMixin:
    """The admin inspects; it never writes. Every write goes through a service, which audits it."""

    actions = None

    def get_readonly_fields(self, request, obj=None):
        return [f.name for f in self.model._meta.fields] + [m.name for m in self.model._meta.many_to_many]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdminMixin, admin.ModelAdmin):
    list_display = ("at", "actor_name", "action", "object_type", "object_id", "object_repr", "channel")
    list_filter = ("action", "channel", "object_type")
    search_fields = ("actor_name", "object_type", "object_id", "object_repr", "request_id")
    date_hierarchy = "at"
