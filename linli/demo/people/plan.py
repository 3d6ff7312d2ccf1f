"""Planning the demo district's people (pure Python, no database): households, ages, owners and tenants,
care groups, planted duplicates; deterministic from a seed."""

from __future__ import annotations

import datetime as dt
import random
from collections import Counter
from dataclasses import dataclass, field
from fractions import Fraction

from linli.core import dates
from linli.core.validators import id_check_char

AREA_CODE = "340504"
UNSOLD_SHARE = 0.05
OCCUPIED_SHARE = 0.84  # of sold residential houses, when no target is given
RENTED_SHARE = 0.14  # of occupied houses
CO_OWNED_SHARE = 0.45  # of owner-occupied homes of a couple
DUPLICATE_EVERY = 2500  # one planted duplicate per this many residents (at least 3)

HOUSEHOLD_KINDS = {  # kind: weight
    "elderly_alone": 8,
    "elderly_couple": 13,
    "single_adult": 10,
    "couple": 15,
    "nuclear": 33,
    "three_generations": 14,
    "skipped_generation": 3,
    "single_parent": 4,
}

ELDER_BANDS = [(60, 64, 30), (65, 69, 25), (70, 74, 18), (75, 79, 12), (80, 84, 9), (85, 89, 4.5), (90, 99, 1.5)]
ALONE_BANDS = [(60, 64, 14), (65, 69, 19), (70, 74, 20), (75, 79, 18), (80, 84, 16), (85, 89, 10), (90, 99, 3)]

EDUCATION_BY_AGE = [  # (up to age, [(education, weight)])
    (22, [("college", 25), ("bachelor", 30), ("senior", 45)]),
    (44, [("bachelor", 35), ("college", 25), ("senior", 22), ("junior", 13), ("postgraduate", 5)]),
    (59, [("senior", 35), ("junior", 30), ("college", 15), ("bachelor", 12), ("primary", 8)]),
    (74, [("junior", 35), ("primary", 30), ("senior", 20), ("none", 8), ("college", 7)]),
    (200, [("primary", 40), ("none", 30), ("junior", 20), ("senior", 10)]),
]
ETHNICITIES = [("汉族", 985), ("回族", 10), ("满族", 2), ("壮族", 1), ("土家族", 1), ("蒙古族", 1)]
MOBILE_PREFIXES = [
    "130",
    "131",
    "132",
    "133",
    "135",
    "136",
    "137",
    "138",
    "139",
    "150",
    "151",
    "152",
    "153",
    "155",
    "156",
    "157",
    "158",
    "159",
    "166",
    "173",
    "175",
    "176",
    "177",
    "180",
    "181",
    "182",
    "183",
    "185",
    "186",
    "187",
    "188",
    "189",
    "191",
    "198",
    "199",
]


@dataclass(frozen=True)
class HouseRow:
    pk: int
    path: str
    code: str
    residential: bool
    address: str


@dataclass
class PersonPlan:
    name: str
    gender: str
    birth: dt.date
    relation: str = ""  # relation to the head; "" for people outside any household
    id_number: str = ""
    phone: str = ""
    ethnicity: str = "汉族"
    political: str = "masses"
    residence: str = "registered"
    education: str = ""
    employer: str = ""
    since: dt.date | None = None
    tags: list[tuple[str, dt.date]] = field(default_factory=list)
    pk: int | None = None

    def age(self, today: dt.date) -> int:
        b = self.birth
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


@dataclass
class HouseholdPlan:
    house: HouseRow
    kind: str
    members: list[PersonPlan]  # the head first
    tenure: str  # own | co_own | rent
    since: dt.date


@dataclass
class Holding:
    house: HouseRow
    person: PersonPlan
    kind: str  # owner | co_owner | tenant
    share: Fraction
    since: dt.date


@dataclass
class PeoplePlan:
    households: list[HouseholdPlan] = field(default_factory=list)
    holdings: list[Holding] = field(default_factory=list)
    extras: list[tuple[PersonPlan, HouseRow]] = field(default_factory=list)  # planted duplicates
    unsold: list[HouseRow] = field(default_factory=list)

    def residents(self):
        for h in self.households:
            for person in h.members:
                yield person, h.house
        yield from self.extras

    @property
    def resident_count(self) -> int:
        return sum(len(h.members) for h in self.households) + len(self.extras)


def years_before(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


class Planner:
    """Deterministic for a given seed and day."""

    def __init__(self, seed: int, today: dt.date | None = None):
        from faker import Faker

        self.rng = random.Random(seed)  # noqa: S311 - reproducible demo data, not a secret
        self.faker = Faker("zh_CN")
        self.faker.seed_instance(seed)
        self.today = today or dates.today()
        self.id_seq: Counter = Counter()
        self.phones: set[str] = set()
        self.employers = [f"马鞍山{self.faker.company()}" for _ in range(300)]
        self.kinds, self.kind_weights = zip(*HOUSEHOLD_KINDS.items(), strict=True)

    # -- single values --------------------------------------------------------------------------
    def pick(self, weighted):
        values, weights = zip(*weighted, strict=True)
        return self.rng.choices(values, weights=weights)[0]

    def elder_age(self, bands=ELDER_BANDS) -> int:
        low, high, _w = self.rng.choices(bands, weights=[b[2] for b in bands])[0]
        return self.rng.randint(low, high)

    def birth_for(self, age: int) -> dt.date:
        latest = years_before(self.today, age)  # the day turning ``age``
        return latest - dt.timedelta(days=self.rng.randint(0, 364))

    def id_number(self, person: PersonPlan) -> str:
        """A valid 18-digit number: 340504, birth date, a sequence (odd for men), the check character."""
        while True:
            n = self.id_seq[(person.birth, person.gender)]
            self.id_seq[(person.birth, person.gender)] += 1
            seq = 2 * n + (1 if person.gender == "M" else 2)
            if seq <= 999:
                break
            person.birth -= dt.timedelta(days=1)  # that day is full: one day earlier
        first17 = f"{AREA_CODE}{person.birth:%Y%m%d}{seq:03d}"
        return first17 + id_check_char(first17)

    def phone(self) -> str:
        while True:
            number = self.rng.choice(MOBILE_PREFIXES) + f"{self.rng.randrange(10**8):08d}"
            if number not in self.phones:
                self.phones.add(number)
                return number

    def education(self, age: int) -> str:
        if age < 6:
            return ""
        if age < 12:
            return "primary"
        if age < 15:
            return "junior"
        if age < 18:
            return "senior"
        for limit, weighted in EDUCATION_BY_AGE:
            if age <= limit:
                return self.pick(weighted)
        return ""  # pragma: no cover

    def political(self, age: int, gender: str) -> str:
        r = self.rng.random()
        if age >= 18:
            party = 0.10 if age >= 60 else 0.07
            if gender == "M":
                party += 0.02
            if r < party:
                return "cpc_member"
            if r < party + 0.003:
                return "cpc_probationary"
            if r < party + 0.006:
                return "democratic_party"
        if 14 <= age <= 28 and self.rng.random() < 0.25:
            return "cyl_member"
        return "masses"

    # -- people ---------------------------------------------------------------------------------
    def person(self, age: int, gender: str, relation: str, surname: str | None = None) -> PersonPlan:
        surname = surname or self.faker.last_name()
        given = self.faker.first_name_male() if gender == "M" else self.faker.first_name_female()
        p = PersonPlan(name=surname + given, gender=gender, birth=self.birth_for(max(0, age)), relation=relation)
        p.id_number = self.id_number(p)
        age = p.age(self.today)
        if age >= 14 and self.rng.random() < (0.55 if age >= 80 else 0.93):
            p.phone = self.phone()
        p.ethnicity = self.pick(ETHNICITIES)
        p.political = self.political(age, gender)
        p.education = self.education(age)
        if 22 <= age <= 59 and self.rng.random() < 0.6:
            p.employer = self.rng.choice(self.employers)
        return p

    def couple(self, head_age: int, head_relation: str = "head", partner_relation: str = "spouse"):
        head_gender = "M" if self.rng.random() < 0.75 else "F"
        head = self.person(head_age, head_gender, head_relation)
        gap = self.rng.randint(-1, 5)
        partner_age = head_age - gap if head_gender == "M" else head_age + gap
        partner = self.person(max(20, partner_age), "F" if head_gender == "M" else "M", partner_relation)
        return head, partner

    def children(self, mother_age: int, surname: str, relation: str, max_age: int = 27) -> list[PersonPlan]:
        count = self.rng.choices([1, 2, 3], weights=[70, 27, 3])[0]
        out, at_birth = [], self.rng.randint(23, 33)
        for _ in range(count):
            age = mother_age - at_birth
            if 0 <= age <= max_age:
                out.append(self.person(age, self.rng.choice("MF"), relation, surname))
            at_birth += self.rng.randint(2, 6)
        return out

    @staticmethod
    def mother_age(head: PersonPlan, spouse: PersonPlan | None, today: dt.date) -> int:
        if head.gender == "F" or spouse is None:
            return head.age(today)
        return spouse.age(today)

    def household(self, kind: str) -> list[PersonPlan]:
        today = self.today
        if kind == "elderly_alone":
            return [self.person(self.elder_age(ALONE_BANDS), "F" if self.rng.random() < 0.65 else "M", "head")]
        if kind == "elderly_couple":
            return list(self.couple(self.elder_age()))
        if kind == "single_adult":
            return [self.person(self.rng.randint(22, 59), self.rng.choice("MF"), "head")]
        if kind == "couple":
            return list(self.couple(self.rng.choice([self.rng.randint(24, 35), self.rng.randint(45, 59)])))
        if kind == "nuclear":
            head, spouse = self.couple(self.rng.randint(28, 55))
            surname = head.name[0] if head.gender == "M" else spouse.name[0]
            kids = self.children(self.mother_age(head, spouse, today), surname, "child")
            return [head, spouse, *kids]
        if kind == "three_generations":
            if self.rng.random() < 0.5:  # a middle-aged couple, their children and the head's parent(s)
                head, spouse = self.couple(self.rng.randint(32, 55))
                surname = head.name[0] if head.gender == "M" else spouse.name[0]
                kids = self.children(self.mother_age(head, spouse, today), surname, "child", max_age=24)
                parent_age = min(98, head.age(today) + self.rng.randint(24, 34))
                parents = [self.person(parent_age, "F", "parent")]
                if self.rng.random() < 0.55:
                    parents.insert(
                        0, self.person(min(99, parent_age + self.rng.randint(0, 4)), "M", "parent", head.name[0])
                    )
                return [head, spouse, *kids, *parents]
            # grandparents head the household; a married child and grandchildren live with them
            head, spouse = self.couple(self.rng.randint(58, 78))
            child_age = max(24, self.mother_age(head, spouse, today) - self.rng.randint(24, 32))
            child = self.person(child_age, self.rng.choice("MF"), "child", head.name[0])
            in_law = self.person(
                max(22, child_age + self.rng.randint(-3, 3)), "F" if child.gender == "M" else "M", "child_in_law"
            )
            surname = child.name[0] if child.gender == "M" else in_law.name[0]
            grandchildren = self.children(self.mother_age(child, in_law, today), surname, "grandchild", max_age=17)
            return [head, spouse, child, in_law, *grandchildren]
        if kind == "skipped_generation":
            grandparents = (
                list(self.couple(self.rng.randint(55, 75)))
                if self.rng.random() < 0.7
                else [self.person(self.rng.randint(55, 75), "F", "head")]
            )
            surname = grandparents[0].name[0]
            kids = [
                self.person(self.rng.randint(3, 15), self.rng.choice("MF"), "grandchild", surname)
                for _ in range(self.rng.choices([1, 2], weights=[75, 25])[0])
            ]
            return [*grandparents, *kids]
        # single parent
        parent = self.person(self.rng.randint(30, 55), "F" if self.rng.random() < 0.75 else "M", "head")
        kid = self.person(
            min(parent.age(today) - 22, self.rng.randint(3, 20)),
            self.rng.choice("MF"),
            "child",
            parent.name[0] if parent.gender == "M" else None,
        )
        return [parent, kid]

    # -- households, tenure and care groups -----------------------------------------------------
    def move_in_date(self, head: PersonPlan, rented: bool) -> dt.date:
        today = self.today
        if rented:
            earliest = today - dt.timedelta(days=5 * 365)
        else:
            earliest = max(dt.date(1995, 1, 1), years_before(head.birth, -22))
        latest = today - dt.timedelta(days=30)
        if earliest >= latest:
            earliest = latest - dt.timedelta(days=365)
        return earliest + dt.timedelta(days=self.rng.randint(0, (latest - earliest).days))

    def plan_household(self, house: HouseRow) -> HouseholdPlan:
        kind = self.rng.choices(self.kinds, weights=self.kind_weights)[0]
        members = self.household(kind)
        rented = self.rng.random() < RENTED_SHARE
        head = members[0]
        since = self.move_in_date(head, rented)
        residence = (
            self.pick([("floating", 60), ("permanent", 40)])
            if rented
            else self.pick([("registered", 80), ("permanent", 20)])
        )
        for person in members:
            person.since = max(since, person.birth)
            person.residence = residence
        partner = members[1] if len(members) > 1 and members[1].relation == "spouse" else None
        tenure = "rent" if rented else ("co_own" if partner and self.rng.random() < CO_OWNED_SHARE else "own")
        plan = HouseholdPlan(house=house, kind=kind, members=members, tenure=tenure, since=since)
        self.tag_household(plan)
        return plan

    def tag_household(self, plan: HouseholdPlan) -> None:
        today, rng = self.today, self.rng
        members = plan.members
        ages = [p.age(today) for p in members]
        if plan.kind == "elderly_alone" and ages[0] >= 60:
            members[0].tags.append(("elderly_alone", max(plan.since, years_before(members[0].birth, -60))))
            if rng.random() < 0.04:
                members[0].tags.append(("extreme_poverty", self.some_day_since(plan.since)))
        if plan.kind == "elderly_couple" and min(ages) >= 60:
            turned = max(years_before(p.birth, -60) for p in members)
            for p in members:
                p.tags.append(("empty_nest", max(plan.since, turned)))
        poor = rng.random() < (0.04 if plan.tenure == "rent" or plan.kind == "elderly_alone" else 0.008)
        poor_since = self.some_day_since(max(plan.since, dt.date(2016, 1, 1)))
        for p, age in zip(members, ages, strict=True):
            if age >= 80:
                p.tags.append(("oldest_old", years_before(p.birth, -80)))
            if plan.kind == "skipped_generation" and p.relation == "grandchild" and age < 16:
                p.tags.append(("left_behind_child", p.since))
            if rng.random() < (0.03 if age >= 60 else 0.01):
                p.tags.append(("disabled", self.some_day_since(max(p.since, years_before(p.birth, -1)))))
            if poor:
                p.tags.append(("subsistence", max(poor_since, p.since)))
            if p.gender == "M" and age >= 60 and rng.random() < 0.02:
                p.tags.append(("special_care", self.some_day_since(p.since)))
            if 18 <= age <= 70 and rng.random() < 0.003:
                p.tags.append(("key_attention", self.some_day_since(p.since)))

    def some_day_since(self, start: dt.date) -> dt.date:
        span = (self.today - start).days
        return start + dt.timedelta(days=self.rng.randint(0, span)) if span > 0 else self.today

    def plan(self, houses: list[HouseRow], target: int | None = None) -> PeoplePlan:
        """Households for the houses (``target``: stop once that many residents are planned)."""
        rng, result = self.rng, PeoplePlan()
        order = list(houses)
        rng.shuffle(order)
        sold, count = [], 0
        for house in order:
            if rng.random() < UNSOLD_SHARE:
                result.unsold.append(house)
            else:
                sold.append(house)
        vacant = []
        for house in sold:
            wanted = (count < target) if target is not None else rng.random() < OCCUPIED_SHARE
            if house.residential and wanted:
                household = self.plan_household(house)
                result.households.append(household)
                count += len(household.members)
            else:
                vacant.append(house)
        self.plan_holdings(result, vacant)
        self.plant_duplicates(result)
        return result

    def plan_holdings(self, result: PeoplePlan, vacant: list[HouseRow]) -> None:
        today, rng = self.today, self.rng
        landlords = []
        for h in result.households:
            head = h.members[0]
            if h.tenure == "co_own":
                share = Fraction(1, 2)
                result.holdings += [
                    Holding(h.house, h.members[0], "co_owner", share, h.since),
                    Holding(h.house, h.members[1], "co_owner", share, h.since),
                ]
            elif h.tenure == "own":
                result.holdings.append(Holding(h.house, head, "owner", Fraction(1), h.since))
            else:
                result.holdings.append(Holding(h.house, head, "tenant", Fraction(1), h.since))
                if len(h.members) > 1 and h.members[1].relation == "spouse":
                    result.holdings.append(Holding(h.house, h.members[1], "tenant", Fraction(1), h.since))
            if h.tenure != "rent" and 30 <= head.age(today) <= 80:
                landlords.append(head)
        rented = [h.house for h in result.households if h.tenure == "rent"]
        for house in rented + vacant:
            if not landlords:  # nobody in the district could own it: it stays unsold
                result.unsold.append(house)
                continue
            owner = rng.choice(landlords)
            since = max(years_before(owner.birth, -25), dt.date(1998, 1, 1))
            result.holdings.append(Holding(house, owner, "owner", Fraction(1), self.some_day_since(since)))

    def plant_duplicates(self, result: PeoplePlan) -> None:
        adults = [(p, h.house) for h in result.households for p in h.members if p.age(self.today) >= 30]
        if not adults:
            return
        count = min(len(adults), max(3, result.resident_count // DUPLICATE_EVERY))
        for person, house in self.rng.sample(adults, count):
            twin = PersonPlan(
                name=person.name,
                gender=person.gender,
                birth=person.birth,
                ethnicity=person.ethnicity,
                residence=person.residence,
                since=person.since,
                phone=self.phone() if self.rng.random() < 0.5 else "",
            )
            result.extras.append((twin, house))
