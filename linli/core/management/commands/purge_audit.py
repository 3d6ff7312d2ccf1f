from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.core import audit, context


class Command(BaseCommand):
    help = (
        "Delete audit rows older than LINLI_AUDIT_RETENTION_DAYS (never younger than six calendar months, "
        "at least 184 days). Run daily."
    )

    def handle(self, *args, **options):
        with context.acting_as("command"):
            removed = audit.purge_expired()
            audit.record(
                actor=None,
                action="purge_audit",
                object_type="core.auditlog",
                object_id="*",
                note=f"removed {removed} rows older than {audit.retention_cutoff():%Y-%m-%d}",
            )
        self.stdout.write(_("removed %(n)s audit rows past retention") % {"n": removed})
