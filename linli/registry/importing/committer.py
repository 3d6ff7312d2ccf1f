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
from contextlib import ExitStack, suppress

from django.db import connection
from django.utils import timezone

from linli.areas.models import Place
from linli.core import audit, crypto
from linli.core.paths import ancestor_paths
from linli.core.validators import mask_id
from linli.registry import identity
from linli.registry.models import Household, HouseholdMember, IdType, Relation, Resident, ResidentTag

from .validators import Result

INSERT_BATCH = 1000


class Addresses:
    """Full addresses of houses ("雨山区 平湖街道 … 101"), a few queries per batch instead of one per row."""

    def __init__(self, before_query=None):
        self.by_path: dict[str, str] = {}
        self.before_query = before_query

    def load(self, houses) -> None:
        todo = [h for h in houses if h is not None and h.path not in self.by_path]
        if not todo:
            return
        if self.before_query is not None:
            self.before_query()
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

    def prepare(self, validator) -> None:
        """Before the first write: load what the writes will need (the validator has prefetched)."""

    def pause(self) -> None:
        """Let the connection run another query (see ``RowWriter``)."""

    def abort(self) -> None:
        """An error happened: drop whatever is half-written (the transaction rolls back)."""

    def finish(self) -> None:
        pass


class RowWriter:
    """Inserts rows given as {attname: value}: PostgreSQL COPY (psycopg 3), elsewhere ``bulk_create``.

    COPY skips building a model instance per row (the largest cost of ``bulk_create`` at 100,000 rows); the
    values are exactly the model's attributes, defaults included (see ``model_defaults``). One COPY stays open
    across batches, so the database server indexes the rows already sent while Python checks and seals the
    next ones — two processes, two cores. Nothing else may use the connection meanwhile: ``pause()`` ends the
    COPY (its errors surface there) before any other query, and the next ``write`` starts another.
    """

    def __init__(self, model):
        self.model = model
        self.columns: list[str] | None = None
        self._stack: ExitStack | None = None
        self._copy = None

    def write(self, rows: list[dict]) -> None:
        if not rows:
            return
        if connection.vendor != "postgresql":
            self.model.objects.bulk_create([self.model(**row) for row in rows], batch_size=INSERT_BATCH)
            return
        if self._copy is None:
            self._open(list(rows[0]))
        columns, write_row = self.columns, self._copy.write_row
        for row in rows:
            write_row([row[c] for c in columns])

    def _open(self, columns: list[str]) -> None:
        quote = connection.ops.quote_name
        sql = f"COPY {quote(self.model._meta.db_table)} ({', '.join(quote(c) for c in columns)}) FROM STDIN"
        stack = ExitStack()
        try:
            cursor = stack.enter_context(connection.cursor())
            stack.enter_context(connection.wrap_database_errors)
            self._copy = stack.enter_context(cursor.cursor.copy(sql))
        except BaseException:
            stack.close()
            raise
        self.columns, self._stack = columns, stack

    def pause(self) -> None:
        """Finish the open COPY, if any (a constraint violation is raised here as IntegrityError)."""
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            stack.close()

    def abort(self) -> None:
        """Abandon the open COPY after an error elsewhere (the transaction is rolled back anyway)."""
        stack, self._stack, self._copy = self._stack, None, None
        if stack is not None:
            with suppress(Exception):  # the COPY's own complaint about being aborted; the caller's error matters
                stack.__exit__(RuntimeError, RuntimeError("import aborted"), None)


def model_defaults(model) -> dict:
    """{attname: default} for every concrete column but the primary key; timestamps set to now."""
    now = timezone.now()
    out = {}
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        out[field.attname] = field.get_default() if field.has_default() else (None if field.null else "")
    out["created_at"] = out["updated_at"] = now
    return out


class ResidentCommitter(BaseCommitter):
    PLAIN = (
        "gender",
        "birth_date",
        "ethnicity",
        "political_status",
        "residence_status",
        "employer",
        "education",
        "notes",
    )

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.writer = RowWriter(Resident)
        self.addresses = Addresses(before_query=self.writer.pause)
        self._pinyin: dict[str, tuple[str, str]] = {}
        self.defaults = model_defaults(Resident)
        self.changed: list[tuple[Resident, dict]] = []
        self.fields: set[str] = set()

    def pinyin(self, name: str) -> tuple[str, str]:
        found = self._pinyin.get(name)
        if found is None:
            found = self._pinyin[name] = identity.pinyin(name)
        return found

    def prepare(self, validator) -> None:
        self.addresses.load(validator.known_houses())

    def pause(self) -> None:
        self.writer.pause()

    def abort(self) -> None:
        self.writer.abort()

    def write(self, results: list[Result]) -> None:
        self.addresses.load({r.data["house"] for r in results if r.data.get("house") is not None})
        new = [self._new(r.data) for r in results if r.data["record"] is None]
        self.writer.write(new)
        self.created += len(new)
        for res in results:
            if res.data["record"] is not None:
                record, before, touched = self._update(res.data)
                if touched:
                    self.changed.append((record, before))
                    self.fields |= touched
                else:
                    self.unchanged += 1

    def finish(self) -> None:
        """End the COPY, then write the updated records (few, usually) with their audit rows."""
        self.writer.pause()
        if not self.changed:
            return
        records = [r for r, _ in self.changed]
        Resident.objects.bulk_update(records, sorted(self.fields | {"updated_at"}), batch_size=INSERT_BATCH)
        moved = defaultdict(list)
        for record, before in self.changed:
            if record.scope_path != before.get("scope_path"):
                moved[record.scope_path].append(record.pk)
        for path, ids in moved.items():
            ResidentTag.objects.filter(resident_id__in=ids).update(scope_path=path)
        for record, before in self.changed:
            audit.record(
                actor=self.user,
                action="update",
                obj=record,
                before=before,
                after=audit.snapshot(record),
                note=f"import #{self.job.pk}",
            )
        self.updated = len(self.changed)

    def _new(self, d: dict) -> dict:
        """The column values ``services.resident_create`` stores, without the per-row queries."""
        house = d["house"]
        name = d["name"].strip()
        row = dict(self.defaults)
        row.update(name=name, home_id=house.pk, scope_path=house.path)
        for key in self.PLAIN:
            value = d.get(key)
            if value not in (None, ""):
                row[key] = value
        number = d.get("id_number", "")
        id_type = d.get("id_type_final") or IdType.ID_CARD
        if number:
            if d.get("derived_birth") is not None:
                row["birth_date"], row["gender"] = d["derived_birth"], d["derived_gender"]
            # identity.seal_id(id_type, number), reusing the keyed hash the check computed
            sealed = identity.Sealed(crypto.encrypt(number), d["id_hash"], mask_id(number), number[-4:])
            row.update(
                id_type=id_type,
                id_cipher=sealed.cipher,
                id_hash=sealed.hash,
                id_masked=sealed.masked,
                id_last4=sealed.last4,
            )
        if d.get("phone"):
            sealed = identity.seal_phone(d["phone_text"])
            row.update(
                phone_cipher=sealed.cipher, phone_hash=sealed.hash, phone_masked=sealed.masked, phone_last4=sealed.last4
            )
        row["name_pinyin"], row["name_initials"] = self.pinyin(name)
        row["address"] = self.addresses[house]
        self.paths.add(house.path)
        return row

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
            households.append(
                Household(
                    number=key[1] if key[0] == "n" else numbers[key],
                    house=house,
                    scope_path=house.path,
                    head_id=head.pk,
                )
            )
        Household.objects.bulk_create(households, batch_size=INSERT_BATCH)
        self.addresses.load({h.house for h in households})
        members, moves = [], defaultdict(list)
        for household, rows in zip(households, groups.values(), strict=True):
            for res in rows:
                d = res.data
                members.append(
                    HouseholdMember(
                        household=household,
                        resident_id=d["person"].pk,
                        relation=d["relation"],
                        since=d["since"],
                        scope_path=household.scope_path,
                    )
                )
                if d["person"].home_id != household.house_id:
                    moves[household.house].append(d["person"].pk)
            self.paths.add(household.scope_path)
        HouseholdMember.objects.bulk_create(members, batch_size=INSERT_BATCH)
        now = timezone.now()
        for house, ids in moves.items():
            Resident.objects.filter(pk__in=ids).update(
                home=house, scope_path=house.path, address=self.addresses[house], updated_at=now
            )
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
            orgs.append(
                Organisation(
                    kind=d["kind"],
                    name=d["name"].strip(),
                    short_name=d["short_name"].strip(),
                    credit_code=d["credit_code"],
                    area_id=area.pk,
                    scope_path=area.path,
                    contact_name=d["contact_name"].strip(),
                    contact_phone=d["contact_phone"],
                    address=d["address"].strip(),
                )
            )
            self.paths.add(area.path)
        Organisation.objects.bulk_create(orgs, batch_size=INSERT_BATCH)  # a few hundred rows: no COPY needed
        self.created += len(orgs)


COMMITTERS = {
    "residents": ResidentCommitter,
    "households": HouseholdCommitter,
    "organisations": OrganisationCommitter,
}
