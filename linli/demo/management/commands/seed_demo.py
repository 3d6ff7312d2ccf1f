"""Seed the demo district 马鞍山市雨山区 (``make demo``): places, grids, people, organisations, one account per role.

The district code 340504000000 is real; street and community sub-codes are illustrative, not the
official statistical codes (see ``linli.demo.data``).

District, streets, communities, compounds, grids, organisations and accounts are created through
their services, so each is validated and audited. Buildings, units and houses (tens of thousands
of rows) are bulk-inserted with codes and paths computed exactly as ``place_create`` would compute
them; so are the people (``linli.demo.people``: residents with sealed ID and phone numbers, households,
owners and tenants, care groups). Both bulk parts are recorded by ONE summary audit row (action ``seed``).
The organisations registry (``linli.demo.organisations``: ~200 驻区单位, enterprises and social
organisations) goes through the organisation service like the departments.

Everything is planned first (deterministically, from a fixed random seed), then written in one
transaction: a failure leaves nothing behind.

The plan is ``linli.demo.places``, the writing ``linli.demo.seeder``; this module is the command.
"""

from __future__ import annotations

import time
from collections import Counter

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _

from linli.accounts.models import User
from linli.areas.models import HouseUse, Level, Place
from linli.core.context import acting_as
from linli.demo import data
from linli.demo.places import SMALL_PROFILE, Profile, full_profile, make_plan
from linli.demo.seeder import Seeder, grid_households, people_lines


class Command(BaseCommand):
    # Plain text: argparse formats it before any translation could be resolved (a lazy string crashed `help`).
    help = "Seed the demo district (Yushan, Ma'anshan): places, grids, organisations, demo accounts."

    def add_arguments(self, parser):
        parser.add_argument(
            "--scale",
            type=int,
            default=1,
            help=_("Multiply the number of compounds and buildings (for benchmarks)."),
        )
        parser.add_argument(
            "--small", action="store_true", help=_("A tiny district with the same structure (for tests).")
        )
        parser.add_argument(
            "--residents",
            type=int,
            default=None,
            help=_(
                "Plan households until about this many residents live in the district "
                "(default: most sold homes are lived in, ~2.6 people each)."
            ),
        )

    def handle(self, *args, scale: int = 1, small: bool = False, residents: int | None = None, **options):
        self.verbosity = options.get("verbosity", 1)
        if getattr(settings, "LINLI_ENV", "") == "production":
            raise CommandError(
                _(
                    "Refusing to seed demo data: LINLI_ENV is 'production'. "
                    "Demo accounts share a published password and must never exist in production."
                )
            )
        if scale < 1:
            raise CommandError(_("--scale must be 1 or more."))
        if residents is not None and residents < 0:
            raise CommandError(_("--residents cannot be negative."))
        if Place.objects.filter(code=data.DISTRICT_CODE).exists():
            self.stdout.write(
                _("The demo district %(code)s already exists: already seeded, nothing to do.")
                % {"code": data.DISTRICT_CODE}
            )
            return
        usernames = [a[0] for a in data.ACCOUNTS]
        taken = sorted(User.objects.filter(username__in=usernames).values_list("username", flat=True))
        if taken:
            raise CommandError(
                _("These usernames are already taken, so the demo accounts cannot be created: %(names)s")
                % {"names": ", ".join(taken)}
            )

        started = time.monotonic()
        profile = SMALL_PROFILE if small else full_profile(scale)
        plan = make_plan(profile)
        if self.verbosity >= 1:
            self.stdout.write(
                _("Seeding %(city)s%(district)s (%(code)s)…")
                % {"city": data.CITY_NAME, "district": data.DISTRICT_NAME, "code": data.DISTRICT_CODE}
            )
        seeder = Seeder(self, plan, settings.LINLI_DEMO_PASSWORD, small=small, residents=residents)
        with acting_as("command"), transaction.atomic():
            result = seeder.run()
        if self.verbosity >= 1:
            self.summary(seeder, result, profile, time.monotonic() - started)

    def people_summary(self, seeder: Seeder) -> None:
        for line in people_lines(seeder):
            self.stdout.write(line)

    def summary(self, seeder: Seeder, result: dict, profile: Profile, seconds: float) -> None:
        w = self.stdout.write
        levels = dict(Place.objects.under(seeder.district).values_list("level").annotate(n=Count("pk")))
        w(self.style.SUCCESS(_("Seeded in %(seconds).1f s.") % {"seconds": seconds}))
        w(", ".join(f"{Level(level).label}: {levels.get(level, 0):,}" for level in Level.values))
        residential = Place.objects.under(seeder.district).filter(level=Level.HOUSE, use=HouseUse.RESIDENTIAL).count()
        w(
            _("Houses: %(residential)s residential, %(other)s ground-floor commercial.")
            % {"residential": f"{residential:,}", "other": f"{levels.get(Level.HOUSE, 0) - residential:,}"}
        )
        counts = grid_households()
        w(
            _("Grids (residential households each, target %(min)s–%(max)s):")
            % {"min": profile.grid_min, "max": profile.grid_max}
        )
        for community, grids in zip(seeder.community_places, seeder.grids, strict=True):
            sizes = [counts.get(g.pk, 0) for g in grids]
            w(
                f"  {community.name} ({community.code}): "
                + _("%(n)s grids, %(lo)s–%(hi)s households") % {"n": len(grids), "lo": min(sizes), "hi": max(sizes)}
            )
        self.people_summary(seeder)
        for line in seeder.domain_lines:
            w(line)
        orgs_ = seeder.organisations
        w(
            _("Organisations: %(names)s")
            % {"names": "、".join(o.name for o in [*orgs_["departments"], *orgs_["property"]])}
        )
        registry = Counter(o.get_kind_display() for o in orgs_["registry"])
        w(
            _("Organisations registry: %(n)s (%(kinds)s), each with a valid credit code and a location.")
            % {"n": len(orgs_["registry"]), "kinds": ", ".join(f"{k} {v}" for k, v in sorted(registry.items()))}
        )
        w(_("Demo accounts (password %(password)s):") % {"password": seeder.password})
        for user, role in result["accounts"]:
            w(f"  {user.username:<13} {role}")


# Importable from here as before the split (linli/demo/tests/test_seed_demo.py).
__all__ = ["SMALL_PROFILE", "Command", "full_profile", "grid_households", "make_plan"]
