"""Writing checked rows in bulk, inside the import's single transaction (see ``services.run_commit``).

New residents are built exactly as ``services.resident_create`` builds them — the same sealing of ID and
phone (``identity.seal_id``/``seal_phone``: cipher, keyed hash, mask, last four), the same pinyin, scope path =
the house's path, address = the house's full address — but inserted with ``bulk_create`` in batches, and the
addresses of all houses of a batch come from one query. Updates (rows with a 档案编号) change only what
differs and write one audit row per changed record, like ``services.resident_update``. The import itself is
one audit row (action "import"), written by the service.
"""

from __future__ import annotations

from collections import defaultdict

from django.utils import timezone

from linli.areas.models import Place
from linli.core import audit
from linli.core.paths import PATH_LENGTHS, ancestor_paths
from linli.registry import identity
from linli.registry.models import Household, HouseholdMember, IdType, Relation, Resident, ResidentTag

from .validators import Result

INSERT_BATCH = 1000


def common_path(paths) -> str:
    """The deepest place path above all of ``paths`` ("" when they share no district)."""
    paths = [p for p in paths if p]
    if not paths:
        return ""
    lo, hi = min(paths), max(paths)
    n = 0
    while n < min(len(lo), len(hi)) and lo[n] == hi[n]:
        n += 1
    lengths = [length for length in PATH_LENGTHS.values() if length <= n]
    return lo[: max(lengths)] if lengths else ""


class Addresses:
    """Full addresses of houses ("雨山区 平湖街道 … 101"), a few queries per batch instead of one per row."""

    def __init__(self):
        self.by_path: dict[str, str] = {}

    def load(self, houses) -> None:
        todo = [h for h in houses if h is not None and h.path not in self.by_path]
        if not todo:
            return
        wanted = {a for h in todo for a in ancestor_paths(h.path)}
        names = dict(Place.objects.filter(path__in=wanted).values_list("path", "name"))
        for h in todo:
            parts = [names[a] for a in ancestor_paths(h.path) if a in names]
            self.by_path[h.path] = " ".join([*parts, h.name])[:200]

    def __getitem__(self, house: Place) -> str:
        return self.by_path[house.path]


class BaseCommitter:
    def __init__(self, *, user, job):
        self.user = user
        self.job = job
        self.created = self.updated = self.unchanged = 0
        self.paths: set[str] = set()

    def write(self, results: list[Result]) -> None:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def finish(self) -> None:
        pass


class ResidentCommitter(BaseCommitter):
    PLAIN = ("gender", "birth_date", "ethnicity", "political_status", "residence_status", "employer", "education",
             "notes")

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.addresses = Addresses()
        self._pinyin: dict[str, tuple[str, str]] = {}

    def pinyin(self, name: str) -> tuple[str, str]:
        found = self._pinyin.get(name)
        if found is None:
            found = self._pinyin[name] = identity.pinyin(name)
        return found

    def write(self, results: list[Result]) -> None:
        self.addresses.load({r.data["house"] for r in results if r.data.get("house") is not None})
        new = [self._new(r.data) for r in results if r.data["record"] is None]
        if new:
            Resident.objects.bulk_create(new, batch_size=INSERT_BATCH)
            self.created += len(new)
        changed, moved, fields = [], defaultdict(list), set()
        for res in results:
            if res.data["record"] is not None:
                record, before, touched = self._update(res.data)
                if touched:
                    changed.append((record, before))
                    fields |= touched
                    if "scope_path" in touched:
                        moved[record.scope_path].append(record.pk)
                else:
                    self.unchanged += 1
        if changed:
            Resident.objects.bulk_update([r for r, _ in changed], sorted(fields | {"updated_at"}),
                                         batch_size=INSERT_BATCH)
            for path, ids in moved.items():
                ResidentTag.objects.filter(resident_id__in=ids).update(scope_path=path)
            for record, before in changed:
                audit.record(actor=self.user, action="update", obj=record, before=before,
                             after=audit.snapshot(record), note=f"import #{self.job.pk}")
            self.updated += len(changed)

    def _new(self, d: dict) -> Resident:
        """What ``services.resident_create`` stores, without the per-row queries."""
        house = d["house"]
        name = d["name"].strip()
        resident = Resident(name=name, home_id=house.pk, scope_path=house.path)
        for key in self.PLAIN:
            value = d.get(key)
            if value not in (None, ""):
                setattr(resident, key, value)
        number = d.get("id_number", "")
        id_type = d.get("id_type_final") or IdType.ID_CARD
        if number:
            if d.get("derived_birth") is not None:
                resident.birth_date, resident.gender = d["derived_birth"], d["derived_gender"]
            sealed = identity.seal_id(id_type, number)
            resident.id_type = id_type
            resident.id_cipher, resident.id_hash = sealed.cipher, sealed.hash
            resident.id_masked, resident.id_last4 = sealed.masked, sealed.last4
        if d.get("phone"):
            sealed = identity.seal_phone(d["phone_text"])
            resident.phone_cipher, resident.phone_hash = sealed.cipher, sealed.hash
            resident.phone_masked, resident.phone_last4 = sealed.masked, sealed.last4
        resident.name_pinyin, resident.name_initials = self.pinyin(name)
        resident.address = self.addresses[house]
        self.paths.add(house.path)
        return resident

    def _update(self, d: dict) -> tuple[Resident, dict, set[str]]:
        """Apply the row's non-empty cells to its record; returns the fields that changed."""
        record: Resident = d["record"]
        before = audit.snapshot(record)
        touched: set[str] = set()

        def put(field: str, value) -> None:
            if value not in (None, "") and getattr(record, field) != value:
                setattr(record, field, value)
                touched.add(field)

        name = (d.get("name") or "").strip()
        if name and name != record.name:
            record.name = name
            record.name_pinyin, record.name_initials = self.pinyin(name)
            touched |= {"name", "name_pinyin", "name_initials"}
        for key in self.PLAIN:
            put(key, d.get(key))
        if d.get("id_change"):
            id_type = d["id_type_final"]
            sealed = identity.seal_id(id_type, d["id_number"])
            record.id_type, record.id_cipher, record.id_hash = id_type, sealed.cipher, sealed.hash
            record.id_masked, record.id_last4 = sealed.masked, sealed.last4
            touched |= {"id_type", "id_cipher", "id_hash", "id_masked", "id_last4"}
            if d.get("derived_birth") is not None:
                put("birth_date", d["derived_birth"])
                put("gender", d["derived_gender"])
        if d.get("phone"):
            sealed = identity.seal_phone(d["phone_text"])
            if sealed.hash != record.phone_hash:
                record.phone_cipher, record.phone_hash = sealed.cipher, sealed.hash
                record.phone_masked, record.phone_last4 = sealed.masked, sealed.last4
                touched |= {"phone_cipher", "phone_hash", "phone_masked", "phone_last4"}
        house = d.get("house")
        if house is not None and house.pk != record.home_id:
            record.home_id, record.scope_path = house.pk, house.path
            record.address = self.addresses[house]
            touched |= {"home", "scope_path", "address"}
        if touched:
            record.updated_at = timezone.now()
            self.paths.add(record.scope_path)
        return record, before, touched


class HouseholdCommitter(BaseCommitter):
    """Households, their members and the members' homes — what household_create + household_move_in write."""

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.results: list[Result] = []
        self.addresses = Addresses()

    def write(self, results: list[Result]) -> None:
        self.results.extend(results)

    def _numbers(self, groups: dict) -> dict:
        """Numbers for groups without one: ``<house code>H<nn>`` as ``services._next_household_number``."""
        out = {}
        houses = {rows[0].data["house"] for key, rows in groups.items() if key[0] == "h"}
        if not houses:
            return out
        used = set(Household.objects.filter(house__in=houses).values_list("number", flat=True))
        counts = defaultdict(int)
        for number_house in Household.objects.filter(house__in=houses).values_list("house_id", flat=True):
            counts[number_house] += 1
        for key, rows in groups.items():
            if key[0] != "h":
                continue
            house = rows[0].data["house"]
            n = counts[house.pk]
            while True:
                n += 1
                number = f"{house.code}H{n:02d}"
                if number not in used and not Household.objects.filter(number=number).exists():
                    break
            used.add(number)
            counts[house.pk] = n
            out[key] = number
        return out

    def finish(self) -> None:
        groups: dict[tuple, list[Result]] = defaultdict(list)
        for res in self.results:
            groups[res.data["group"]].append(res)
        numbers = self._numbers(groups)
        households = []
        for key, rows in groups.items():
            house = rows[0].data["house"]
            head = next(r.data["person"] for r in rows if r.data["relation"] == Relation.HEAD)
            households.append(Household(number=key[1] if key[0] == "n" else numbers[key], house=house,
                                        scope_path=house.path, head_id=head.pk))
        Household.objects.bulk_create(households, batch_size=INSERT_BATCH)
        self.addresses.load({h.house for h in households})
        members, moves = [], defaultdict(list)
        for household, rows in zip(households, groups.values(), strict=True):
            for res in rows:
                d = res.data
                members.append(HouseholdMember(household=household, resident_id=d["person"].pk,
                                               relation=d["relation"], since=d["since"],
                                               scope_path=household.scope_path))
                if d["person"].home_id != household.house_id:
                    moves[household.house].append(d["person"].pk)
            self.paths.add(household.scope_path)
        HouseholdMember.objects.bulk_create(members, batch_size=INSERT_BATCH)
        now = timezone.now()
        for house, ids in moves.items():
            Resident.objects.filter(pk__in=ids).update(home=house, scope_path=house.path,
                                                       address=self.addresses[house], updated_at=now)
            ResidentTag.objects.filter(resident_id__in=ids).update(scope_path=house.path)
        self.created = len(households)
        self.updated = sum(len(ids) for ids in moves.values())


class OrganisationCommitter(BaseCommitter):
    def write(self, results: list[Result]) -> None:
        from linli.orgs.models import Organisation

        orgs = []
        for res in results:
            d = res.data
            area = d["area"]
            orgs.append(Organisation(kind=d["kind"], name=d["name"].strip(), short_name=d["short_name"].strip(),
                                     credit_code=d["credit_code"], area_id=area.pk, scope_path=area.path,
                                     contact_name=d["contact_name"].strip(), contact_phone=d["contact_phone"],
                                     address=d["address"].strip()))
            self.paths.add(area.path)
        Organisation.objects.bulk_create(orgs, batch_size=INSERT_BATCH)
        self.created += len(orgs)


COMMITTERS = {
    "residents": ResidentCommitter,
    "households": HouseholdCommitter,
    "organisations": OrganisationCommitter,
}
