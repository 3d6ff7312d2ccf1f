"""Issue, list and revoke Open311 API keys from the command line (audited like the staff page).

manage.py open311_keys issue --name "12345 app" --place 340504000000 --by admin
manage.py open311_keys list
manage.py open311_keys revoke --prefix AbCdEf12 --by admin
"""

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand, CommandError

from linli.accounts.models import User
from linli.areas.models import Place
from linli.core import context
from linli.workorders.models import Open311Key
from linli.workorders.open311 import services


class Command(BaseCommand):
    help = "Issue, list or revoke Open311 GeoReport v2 API keys."

    def add_arguments(self, parser):
        parser.add_argument("action", choices=["issue", "list", "revoke"])
        parser.add_argument("--name", default="")
        parser.add_argument("--place", default="", help="Code of the district, street or community it reports in")
        parser.add_argument("--prefix", default="", help="The key's first 8 characters (revoke)")
        parser.add_argument("--by", default="", help="Username of the administrator issuing or revoking")

    def handle(self, *args, action, name, place, prefix, by, **options):
        if action == "list":
            for key in Open311Key.objects.select_related("place").order_by("created_at"):
                state = f"revoked {key.revoked_at:%Y-%m-%d}" if key.revoked_at else "active"
                self.stdout.write(f"{key.prefix}  {key.name}  {key.place.code} {key.place.name}  {state}")
            return
        actor = User.objects.filter(username=by, is_active=True).first()
        if actor is None:
            raise CommandError("--by must name an active administrator account")
        try:
            with context.acting_as(channel="command"):
                if action == "issue":
                    target = Place.objects.filter(code=place).first()
                    if target is None:
                        raise CommandError(f"unknown place code {place!r}")
                    key, raw = services.key_issue(actor=actor, name=name, place=target)
                    self.stdout.write(f"Issued {key.name} for {target.name}. The key (shown once, keep it safe):")
                    self.stdout.write(raw)
                else:
                    key = Open311Key.objects.filter(prefix=prefix).first() if prefix else None
                    if key is None:
                        raise CommandError(f"no key with prefix {prefix!r}")
                    services.key_revoke(actor=actor, key=key)
                    self.stdout.write(f"Revoked {key.name} ({key.prefix}…).")
        except (ValidationError, PermissionDenied) as exc:
            raise CommandError("; ".join(getattr(exc, "messages", [str(exc)]))) from exc
