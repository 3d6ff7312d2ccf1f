"""Writing the demo district: places through their services (buildings, units and houses in bulk), people,
organisations and one account per role, then every domain's demo seeder; and the summary lines."""

from __future__ import annotations

import random
import time
from collections import Counter

from django.contrib.auth import password_validation
from django.core.management.base import BaseCommand
from django.db.models import Count
from django.utils.translation import gettext as _

from linli.accounts import services as accounts
from linli.accounts.models import User
from linli.accounts.roles import Role
from linli.areas import services as areas
from linli.areas.models import Grid, HouseUse, Level, Place
from linli.core import audit
from linli.core.paths import COMMUNITY, SEGMENT_WIDTHS, path_at
from linli.core.registry import DemoContext
from linli.core.registry import registry as linli_registry
from linli.core.validators import credit_code_check_char
from linli.demo import data, people
from linli.demo.organisations import plan_organisations
from linli.orgs import services as orgs
from linli.orgs.models import OrgKind

from .places import RANDOM_SEED, CommunityPlan, CompoundPlan

# -- writing -----------------------------------------------------------------------------------------


def _segment(level: int, seq: int) -> str:
    return str(seq).zfill(SEGMENT_WIDTHS[level])


def _child(parent: Place, level: int, seq: int, **fields) -> Place:
    """A child place with the code and path ``place_create`` would give it as child number ``seq``."""
    segment = _segment(level, seq)
    return Place(level=level, parent=parent, code=parent.code + segment, path=parent.path + segment, **fields)


def _bulk(objs: list[Place]) -> list[Place]:
    created = Place.objects.bulk_create(objs, batch_size=500)
    if any(o.pk is None for o in created):  # a database that cannot return ids from a bulk insert
        ids = dict(Place.objects.filter(code__in=[o.code for o in created]).values_list("code", "pk"))
        for o in created:
            o.pk = ids[o.code]
    return created


class Seeder:
    def __init__(
        self,
        command: BaseCommand,
        plan: list[CommunityPlan],
        password: str,
        *,
        small: bool = False,
        residents: int | None = None,
    ):
        self.small = small
        self.residents_target = residents
        self.out = command.stdout
        self.verbose = command.verbosity >= 1
        self.plan = plan
        self.password = password
        self.totals = {
            "communities": len(plan),
            "compounds": sum(len(c.compounds) for c in plan),
            "buildings": sum(len(c.buildings) for c in plan),
            "houses": sum(b.houses for c in plan for b in c.buildings),
        }
        self.done = dict.fromkeys(self.totals, 0)
        self.units = 0
        self.community_places: list[Place] = []
        self.compounds_by_community: list[list[Place]] = []
        self.grids: list[list[Grid]] = []
        self.domain_lines: list[str] = []

    def progress(self, stage: str) -> None:
        if not self.verbose:
            return
        parts = [f"{key} {self.done[key]:,}/{self.totals[key]:,}" for key in self.totals]
        self.out.write(f"  {stage}: " + ", ".join(parts))

    def run(self) -> dict:
        self.admin = self.create_admin()
        self.district = areas.place_create(
            actor=self.admin, parent=None, name=data.DISTRICT_NAME, code=data.DISTRICT_CODE
        )
        self.streets = [
            areas.place_create(
                actor=self.admin, parent=self.district, name=name, code=f"{data.DISTRICT_CODE[:6]}{n:03d}000"
            )
            for n, name in enumerate(data.STREETS, start=1)
        ]
        per_street: dict[int, int] = {}
        for community in self.plan:
            street = self.streets[community.street]
            per_street[community.street] = per_street.get(community.street, 0) + 1
            place = areas.place_create(
                actor=self.admin,
                parent=street,
                name=community.name,
                code=f"{street.code[:9]}{per_street[community.street]:03d}",
            )
            self.community_places.append(place)
            self.seed_community(place, community)
            self.done["communities"] += 1
            self.progress(community.name)

        compounds = [c for cs in self.compounds_by_community for c in cs]
        self.people = self.seed_people()
        counts = self.people_counts
        audit.record(
            actor=self.admin,
            action="seed",
            obj=self.district,
            after={
                "buildings": self.totals["buildings"],
                "units": self.units,
                "houses": self.totals["houses"],
                **counts,
            },
            note=(
                f"seed_demo bulk insert under {self.district.path}: {self.totals['buildings']} buildings "
                f"(each placed in its grid), {self.units} units, {self.totals['houses']} houses, "
                f"in {len(compounds)} compounds; {counts['residents']} residents (ID and phone numbers sealed), "
                f"{counts['households']} households, {counts['occupancies']} occupancies "
                f"({counts['unsold_houses']} houses left unsold), {counts['care_tags']} care-group memberships"
            ),
        )
        self.organisations = self.create_organisations()
        self.organisations["registry"] = self.create_registry_organisations()
        accounts_ = self.create_accounts()
        self.run_domain_seeders(accounts_)
        return {"accounts": accounts_}

    def run_domain_seeders(self, accounts_: list[tuple[User, str]]) -> None:
        """Each domain's demo data (``registry.demo_seeders``, from its registrations.py), in order."""
        ctx = DemoContext(
            admin=self.admin,
            district=self.district,
            streets=self.streets,
            communities=self.community_places,
            compounds=self.compounds_by_community,
            grids=self.grids,
            organisations=self.organisations,
            users={u.username: u for u, _label in accounts_},
            small=self.small,
            today=self.today,
            rng=random.Random(RANDOM_SEED),  # noqa: S311 - demo data, not security
            out=self.out if self.verbose else None,
        )
        for seeder in linli_registry.demo_seeders:
            started = time.monotonic()
            lines = seeder.seed(ctx) or []
            self.domain_lines.extend(lines)
            if self.verbose:
                self.out.write(f"  {seeder.key}: {time.monotonic() - started:.1f} s")

    def create_admin(self) -> User:
        user = User(
            username="admin",
            display_name=data.ACCOUNTS[0][2],
            is_staff=True,
            is_superuser=True,
            is_demo=True,
            scope_path=data.DISTRICT_CODE[:6],
        )
        password_validation.validate_password(self.password, user)
        user.set_password(self.password)
        user.save()
        audit.record(actor=user, action="create", obj=user, after=audit.snapshot(user), note="seed_demo superuser")
        return user

    def seed_community(self, community: Place, plan: CommunityPlan) -> None:
        grids = [
            areas.grid_create(actor=self.admin, community=community, name=data.grid_name(n))
            for n in range(1, plan.grids + 1)
        ]
        self.grids.append(grids)
        compounds = []
        for compound_plan in plan.compounds:
            compound = areas.place_create(
                actor=self.admin, parent=community, name=compound_plan.name, address=compound_plan.address
            )
            self.bulk_buildings(compound, compound_plan, grids)
            compounds.append(compound)
            self.done["compounds"] += 1
        self.compounds_by_community.append(compounds)

    def bulk_buildings(self, compound: Place, plan: CompoundPlan, grids: list[Grid]) -> None:
        buildings = _bulk(
            [
                _child(
                    compound,
                    Level.BUILDING,
                    seq,
                    name=b.name,
                    floors=b.floors,
                    unit_count=b.units,
                    longitude=b.longitude,
                    latitude=b.latitude,
                    grid=grids[b.grid_no - 1],
                    next_child_seq=b.units,
                )
                for seq, b in enumerate(plan.buildings, start=1)
            ]
        )
        Place.objects.filter(pk=compound.pk).update(next_child_seq=len(buildings))
        units = []
        for building, b in zip(buildings, plan.buildings, strict=True):
            units += [
                _child(building, Level.UNIT, u, name=f"{u}单元", next_child_seq=b.floors * b.per_floor)
                for u in range(1, b.units + 1)
            ]
        units = _bulk(units)
        self.units += len(units)
        houses = []
        unit_iter = iter(units)
        for b in plan.buildings:
            for u in range(b.units):
                unit = next(unit_iter)
                seq = 0
                for floor in range(1, b.floors + 1):
                    use = HouseUse.COMMERCIAL if b.commercial_ground and floor == 1 else HouseUse.RESIDENTIAL
                    for room in range(1, b.per_floor + 1):
                        seq += 1
                        number = f"{floor}{room:02d}"
                        houses.append(
                            _child(
                                unit,
                                Level.HOUSE,
                                seq,
                                name=number,
                                floor=floor,
                                number=number,
                                area=b.room_areas[u][room - 1],
                                area_source=b.area_source,
                                use=str(use),
                            )
                        )
        _bulk(houses)
        self.done["buildings"] += len(buildings)
        self.done["houses"] += len(houses)

    def seed_people(self) -> people.PeoplePlan:
        """Residents, households, owners and tenants, care groups: planned, then bulk-inserted."""
        self.houses = people.house_rows(self.district)
        planner = people.Planner(RANDOM_SEED)
        self.today = planner.today
        plan = planner.plan(self.houses, target=self.residents_target)
        self.people_counts = people.write_people(plan, self.admin, progress=self.progress_people)
        return plan

    def progress_people(self, text: str) -> None:
        if self.verbose:
            self.out.write(f"  {text}")

    def create_registry_organisations(self) -> list:
        """~200 stationed units, enterprises and social organisations, each located in the place tree."""
        from faker import Faker

        rng = random.Random(RANDOM_SEED + 1)  # noqa: S311 - reproducible demo data, not a secret
        faker = Faker("zh_CN")
        faker.seed_instance(RANDOM_SEED + 1)
        communities = [(c.street, c.name, data.COMMUNITIES[i][3]) for i, c in enumerate(self.plan)]
        plans = plan_organisations(
            rng, faker, data.STREETS, communities, enterprises=10 if self.small else 90, small=self.small
        )
        shops: dict[str, list[int]] = {}
        for house in self.houses:
            if not house.residential:
                shops.setdefault(path_at(house.path, COMMUNITY), []).append(house.pk)
        wanted = {}
        for org in plans:
            community = org.area_index[1]
            if org.location == "shop" and community is not None:
                options = shops.get(self.community_places[community].path, [])
                if options:
                    wanted[org.name] = rng.choice(options)
        shop_places = Place.objects.in_bulk(list(wanted.values()))
        created = []
        for org in plans:
            street_index, community = org.area_index
            if community is None:
                area = self.streets[street_index]
                in_street = [i for i, c in enumerate(self.plan) if c.street == street_index]
                location = rng.choice(self.compounds_by_community[rng.choice(in_street)])
            else:
                area = self.community_places[community]
                location = (
                    shop_places[wanted[org.name]]
                    if org.name in wanted
                    else rng.choice(self.compounds_by_community[community])
                )
            created.append(
                orgs.organisation_create(
                    actor=self.admin,
                    area=area,
                    location=location,
                    kind=org.kind,
                    name=org.name,
                    short_name=org.short_name,
                    credit_code=org.credit_code,
                    contact_name=org.contact_name,
                    contact_phone=org.contact_phone,
                    address=org.address,
                )
            )
        return created

    def create_organisations(self) -> dict:
        result = {"departments": []}
        for name, short in data.DEPARTMENTS:
            result["departments"].append(
                orgs.organisation_create(
                    actor=self.admin, area=self.district, kind=OrgKind.DEPARTMENT, name=name, short_name=short
                )
            )
        result["property"] = []
        for name, short, first17, community_indexes in data.PROPERTY_COMPANIES:
            managed = [
                c
                for i in community_indexes
                if i < len(self.compounds_by_community)
                for c in self.compounds_by_community[i]
            ]
            result["property"].append(
                orgs.organisation_create(
                    actor=self.admin,
                    area=self.district,
                    kind=OrgKind.PROPERTY,
                    name=name,
                    short_name=short,
                    credit_code=first17 + credit_code_check_char(first17),
                    managed_compounds=managed,
                )
            )
        return result

    def create_accounts(self) -> list[tuple[User, str]]:
        first_community = self.community_places[0]
        first_grid = self.grids[0][0]
        building = Place.objects.filter(grid=first_grid).order_by("path").first()
        house = (
            Place.objects.under(building).filter(level=Level.HOUSE, use=HouseUse.RESIDENTIAL).order_by("path").first()
        )
        dept = self.organisations["departments"][0]
        company = self.organisations["property"][0]
        where = {
            "district": (self.district, {"place": self.district}),
            "dispatcher": (self.district, {"place": self.district}),
            "street": (self.streets[0], {"place": self.streets[0]}),
            "secretary": (first_community, {"place": first_community}),
            "socialworker": (first_community, {"place": first_community}),
            "gridworker": (first_community, {"grid": first_grid}),
            "buildinghead": (first_community, {"place": building}),
            "dept": (self.district, {"organisation": dept}),
            "dept2": (self.district, {"organisation": self.organisations["departments"][1]}),
            "property": (self.district, {"organisation": company}),
            "resident": (first_community, {"place": house}),
        }
        result = [(self.admin, _("superuser"))]
        for username, role, display_name in data.ACCOUNTS:
            if not role:
                continue
            home, scope = where[username]
            user = accounts.user_create(
                actor=self.admin, username=username, password=self.password, home=home, display_name=display_name
            )
            before = audit.snapshot(user)
            user.is_demo = True
            user.save(update_fields=["is_demo"])
            audit.record(
                actor=self.admin,
                action="update",
                obj=user,
                before=before,
                after=audit.snapshot(user),
                note="seed_demo: demo account",
            )
            binding = accounts.binding_add(actor=self.admin, user=user, role=role, **scope)
            result.append((user, f"{Role(role).label} @ {_scope_label(binding.scope_object)}"))
        return result


def people_lines(seeder: Seeder) -> list[str]:
    counts, plan = seeder.people_counts, seeder.people
    bands = people.age_bands(plan, seeder.today)
    total = max(1, counts["residents"])
    tags = Counter(code for person, _house in plan.residents() for code, _since in person.tags)
    return [
        _(
            "Residents: %(n)s in %(h)s households (%(mean).2f people each on average); "
            "ID card numbers 340504… with valid check characters, sealed (cipher, keyed hash, mask)."
        )
        % {
            "n": f"{counts['residents']:,}",
            "h": f"{counts['households']:,}",
            "mean": counts["members"] / max(1, counts["households"]),
        },
        _("Ages: %(bands)s")
        % {"bands": ", ".join(f"{band} {100 * n / total:.1f}%" for band, n in sorted(bands.items(), key=_band_key))},
        _(
            "Owners and tenants: %(n)s occupancy records; %(unsold)s houses (about 5%%) are left unsold and have "
            "no owner."
        )
        % {"n": f"{counts['occupancies']:,}", "unsold": f"{counts['unsold_houses']:,}"},
        _("Care groups: %(tags)s") % {"tags": ", ".join(f"{code} {n}" for code, n in tags.most_common())},
        _("Suspected duplicates planted for the merge tool (same name, birth date and home, no ID): %(n)s")
        % {"n": counts["planted_duplicates"]},
    ]


def _band_key(item) -> int:
    return int(item[0].split("-")[0].rstrip("+"))


def _scope_label(obj) -> str:
    """A place below the community is named from its compound down (怡心花园 1栋 1单元 101)."""
    if isinstance(obj, Place) and obj.level > Level.COMPOUND:
        names = Place.objects.filter(path__in=obj.ancestor_paths(), level__gte=Level.COMPOUND).order_by("path")
        return " ".join([*names.values_list("name", flat=True), obj.name])
    if isinstance(obj, Grid):
        return f"{obj.community.name} {obj.name}"
    return str(obj)


def grid_households() -> dict[int, int]:
    """Residential households per grid id (houses whose building is in the grid)."""
    rows = (
        Place.objects.filter(level=Level.HOUSE, use=HouseUse.RESIDENTIAL, parent__parent__grid__isnull=False)
        .values("parent__parent__grid")
        .annotate(n=Count("pk"))
    )
    return {r["parent__parent__grid"]: r["n"] for r in rows}
