"""Re-encrypt every stored personal number under the newest key (the first of LINLI_DATA_KEYS).

Rotation: 1. generate a key (``manage.py rotate_data_keys --generate``); 2. deploy with
LINLI_DATA_KEYS=new,old; 3. run this command; 4. deploy with LINLI_DATA_KEYS=new. Lookup hashes use
LINLI_HASH_KEY and are not touched.
"""

from django.core.management.base import BaseCommand
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit, context, crypto
from linli.registry.models import Resident

BATCH = 2000


class Command(BaseCommand):
    help = "Re-encrypt personal numbers under the first key of LINLI_DATA_KEYS."

    def add_arguments(self, parser):
        parser.add_argument("--generate", action="store_true", help="print a new key and exit")

    def handle(self, *args, generate=False, **options):
        if generate:
            self.stdout.write(crypto.generate_key())
            return
        done = 0
        last = 0
        with context.acting_as("command"):
            while True:
                rows = list(
                    Resident.objects.filter(pk__gt=last).order_by("pk").only("pk", "id_cipher", "phone_cipher")[:BATCH]
                )
                if not rows:
                    break
                with transaction.atomic():
                    for r in rows:
                        r.id_cipher = crypto.rotate(r.id_cipher)
                        r.phone_cipher = crypto.rotate(r.phone_cipher)
                    Resident.objects.bulk_update(rows, ["id_cipher", "phone_cipher"])
                done += len(rows)
                last = rows[-1].pk
                self.stdout.write(_("re-encrypted %(n)s records…") % {"n": done})
            audit.record(
                actor=None,
                action="rotate_keys",
                object_type="registry.resident",
                object_id="*",
                note=f"re-encrypted {done} records",
            )
        self.stdout.write(_("done: %(n)s records now use the newest key") % {"n": done})
