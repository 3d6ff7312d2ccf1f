from django.core.management.base import BaseCommand
from django.utils.translation import gettext as _

from linli.registry.tasks import purge_import_files


class Command(BaseCommand):
    help = "Drop the stored files of imports left unimported for a week (they hold personal numbers). Run daily."

    def add_arguments(self, parser):
        parser.add_argument("--days", type=int, default=7)

    def handle(self, *args, days=7, **options):
        removed = purge_import_files.call(days)
        self.stdout.write(_("removed the files of %(n)s stale imports") % {"n": removed})
