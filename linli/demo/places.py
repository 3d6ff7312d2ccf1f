"""The demo district's plan (pure Python, no database): the profile of a scale, and communities, compounds
and buildings planned deterministically from a fixed random seed."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from decimal import Decimal

from linli.areas.models import AreaSource
from linli.demo import data

RANDOM_SEED = 340504
MICRO = Decimal("0.000001")
CENT = Decimal("0.01")


@dataclass(frozen=True)
class Profile:
    """How big the seeded district is. Grids hold ``grid_min``–``grid_max`` residential households."""

    compounds_per_community: int
    buildings_per_compound: tuple[int, int]
    floors: tuple[int, ...]
    units: tuple[int, int]
    per_floor: tuple[int, int]
    grid_min: int
    grid_max: int
    commercial_share: float = 0.15

    @property
    def building_cap(self) -> int:
        # A building is only added to a grid holding fewer than grid_min households, so a building
        # of at most grid_max - grid_min households can never push the grid over grid_max.
        return self.grid_max - self.grid_min


def full_profile(scale: int) -> Profile:
    return Profile(
        compounds_per_community=2 * scale,
        buildings_per_compound=(13, 15),
        floors=(6, 6, 6, 7, 11, 11, 12, 15, 17, 18),
        units=(1, 3),
        per_floor=(2, 4),
        grid_min=300,
        grid_max=500,
    )


SMALL_PROFILE = Profile(
    compounds_per_community=1,
    buildings_per_compound=(2, 3),
    floors=(6,),
    units=(1, 2),
    per_floor=(2, 3),
    grid_min=40,
    grid_max=80,
)


# -- the plan (pure Python, no database) --------------------------------------------------------------


@dataclass
class BuildingPlan:
    name: str
    floors: int
    units: int
    per_floor: int
    commercial_ground: bool
    area_source: str
    room_areas: list[list[Decimal]]  # [unit][room] — the same floor plan on every floor
    longitude: Decimal
    latitude: Decimal
    grid_no: int = 0

    @property
    def houses(self) -> int:
        return self.floors * self.units * self.per_floor

    @property
    def residential(self) -> int:
        return self.houses - (self.units * self.per_floor if self.commercial_ground else 0)


@dataclass
class CompoundPlan:
    name: str
    address: str
    buildings: list[BuildingPlan] = field(default_factory=list)


@dataclass
class CommunityPlan:
    street: int
    name: str
    compounds: list[CompoundPlan] = field(default_factory=list)
    grids: int = 0

    @property
    def buildings(self) -> list[BuildingPlan]:
        return [b for c in self.compounds for b in c.buildings]


def _coordinate(value: float, bounds: tuple[float, float]) -> Decimal:
    return Decimal(str(min(max(value, bounds[0]), bounds[1]))).quantize(MICRO)


def _plan_building(rng: random.Random, profile: Profile, number: int, near: tuple[float, float]) -> BuildingPlan:
    floors = rng.choice(profile.floors)
    units = rng.randint(*profile.units)
    per_floor = rng.randint(*profile.per_floor)
    commercial = rng.random() < profile.commercial_share
    while floors > 1 and floors * units * per_floor - (units * per_floor if commercial else 0) > profile.building_cap:
        floors -= 1
    source = rng.choices([AreaSource.REGISTERED, AreaSource.SURVEYED, AreaSource.CONTRACT], weights=[85, 10, 5])[0]
    areas_ = [
        [(Decimal(rng.randint(4500, 16000)) / 100).quantize(CENT) for _ in range(per_floor)] for _ in range(units)
    ]
    return BuildingPlan(
        name=f"{number}栋",
        floors=floors,
        units=units,
        per_floor=per_floor,
        commercial_ground=commercial,
        area_source=str(source),
        room_areas=areas_,
        longitude=_coordinate(near[0] + rng.uniform(-0.0015, 0.0015), data.LON_RANGE),
        latitude=_coordinate(near[1] + rng.uniform(-0.0015, 0.0015), data.LAT_RANGE),
    )


def make_plan(profile: Profile, seed: int = RANDOM_SEED) -> list[CommunityPlan]:
    """Communities → compounds → buildings, each building already placed in a grid of its community.

    Consecutive buildings of a community fill a grid until it holds at least ``grid_min``
    residential households; the last compound grows by a building or two if the last grid
    would otherwise stay short.
    """
    rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
    plans = []
    for street, name, compound_names, roads, centre in data.COMMUNITIES:
        community = CommunityPlan(street=street, name=name)
        grid_no, in_grid = 0, 0
        count = profile.compounds_per_community
        for index in range(count):
            spot = (centre[0] + rng.uniform(-0.004, 0.004), centre[1] + rng.uniform(-0.004, 0.004))
            compound = CompoundPlan(
                name=data.compound_name(compound_names, index),
                address=f"{rng.choice(roads)}{rng.randint(1, 399)}号",
            )
            wanted = rng.randint(*profile.buildings_per_compound)
            last = index == count - 1
            while len(compound.buildings) < wanted or (last and 0 < in_grid < profile.grid_min):
                building = _plan_building(rng, profile, len(compound.buildings) + 1, spot)
                if in_grid == 0:
                    grid_no += 1
                building.grid_no = grid_no
                in_grid += building.residential
                if in_grid >= profile.grid_min:
                    in_grid = 0
                compound.buildings.append(building)
            community.compounds.append(compound)
        community.grids = grid_no
        plans.append(community)
    return plans
