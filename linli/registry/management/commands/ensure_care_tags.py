from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.registry.care_tags import ensure_care_tags


class Command(BaseCommand):
    help = "Create the default care groups (独居老人, 低保 …) that do not exist yet. Safe to run again."

    def handle(self, *args, **options):
        created = ensure_care_tags(actor=None)  # audited as "system"
        self.stdout.write(_("%(n)d care group(s) created.") % {"n": len(created)})
