"""Checking every row of an import, in batches: cell formats, then what the database and the rights say.

A validator turns ``Row``s into ``Result``s: the row's errors by column (codes and parameters, see
``messages``) and, when it has none, the parsed values the committer writes. Lookups are batched (one query
per batch for houses, records, duplicate numbers), so checking 100,000 rows costs a few hundred queries.

Rights are those of the uploader, read through the chokepoint: a house the uploader cannot see is an unknown
house code (nothing leaks), a visible house where they may not add people is refused as such; an update row
names a record the uploader may change.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.utils import timezone

from linli.areas.models import Level, Place
from linli.core.paths import is_within
from linli.core.permissions import Action, can_at, restrict
from linli.core.validators import mask_id, normalize_mobile, validate_credit_code, validate_phone
from linli.orgs.models import Organisation
from linli.registry import identity
from linli.registry.models import Household, HouseholdMember, IdType, Relation, Resident

from .columns import HOUSEHOLDS, ORGANISATIONS, RESIDENTS, Spec
from .reader import Row, Sheet, as_date

BATCH = 1000


@dataclass
class Result:
    number: int
    label: str = ""
    errors: dict[str, list] = field(default_factory=dict)
    data: dict = field(default_factory=dict)

    def add(self, key: str, code: str, /, **params) -> None:
        self.errors.setdefault(key, []).append([code, params])

    @property
    def ok(self) -> bool:
        return not self.errors


def shown(value) -> str:
    """A cell value quoted back in a message: anything that looks like a personal number is masked, because
    problems are stored (the database holds no plaintext ID or phone numbers, not even in error reports)."""
    text = str(value)[:40]
    if sum(ch.isdigit() for ch in text) >= 7:
        return mask_id(text)
    return text[:30]


def _batches(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
    batch: list[Row] = []
    for row in rows:
        batch.append(row)
        if len(batch) >= size:
            yield batch
            batch = []
    if batch:
        yield batch


class BaseValidator:
    spec: Spec

    def __init__(self, *, user, sheet: Sheet, scope_path: str = "", committing: bool = False):
        self.user = user
        self.sheet = sheet
        self.scope_path = scope_path or ""
        self.committing = committing
        self._places: dict[str, Place | None] = {}
        self._may_add: dict[tuple[str, str], bool] = {}
        # called before any query while committing: the committer may hold the connection (an open COPY)
        self.before_query = None

    def _query(self) -> None:
        if self.before_query is not None:
            self.before_query()

    @property
    def cheap_second_pass(self) -> bool:
        # one more calamine pass (in the parsing child) costs little; openpyxl's would cost about ten times more
        return self.sheet.engine != "openpyxl"

    def prefetch(self) -> None:
        """While committing: load, in a few queries before the first write, what the rows will look up (so the
        COPY stays open). With openpyxl the lookups happen batch by batch instead (a second parse costs more)."""
        if self.cheap_second_pass:
            self.load_places(self.column_values("house"))

    def column_values(self, key: str) -> set[str]:
        """The distinct text values of one column (a cheap pass over the raw rows)."""
        idx = self.sheet.header.get(key)
        if idx is None:
            return set()
        out = set()
        for number, values in self.sheet._raw_rows():
            if number > self.sheet.header_row and idx < len(values):
                value = values[idx]
                if value is not None and value != "":
                    out.add(str(int(value) if isinstance(value, float) and value.is_integer() else value).strip())
        return out

    def known_houses(self) -> list[Place]:
        return [p for p in self._places.values() if p is not None and p.level == Level.HOUSE]

    # -- the stream --------------------------------------------------------------------------------
    def validate(self, rows: Iterable[Row]) -> Iterator[Result]:
        for batch in _batches(rows):
            yield from self.check_batch(batch)
        yield from self.finish()

    def check_batch(self, rows: list[Row]) -> list[Result]:  # pragma: no cover - subclasses implement
        raise NotImplementedError

    def finish(self) -> list[Result]:
        return []

    # -- cells -------------------------------------------------------------------------------------
    lenient_keys: frozenset = frozenset()  # see ResidentValidator: "=…" text equal to the stored value

    def raw(self, res: Result, row: Row, key: str):
        """The cell's cleaned value; formula cells (and text starting with "=") are an error and read as empty."""
        idx = self.sheet.header.get(key)
        if idx is None:
            return None
        cells = row.cells
        value = cells[idx] if idx < len(cells) else None
        if row.formulas and idx in row.formulas:
            res.add(key, "formula")
            return None
        if type(value) is str and value[0] == "=":
            if key in self.lenient_keys:
                res.data.setdefault("equals_text", {})[key] = value  # decided once the record is known
                return None
            res.add(key, "formula")
            return None
        return value

    def text(self, res: Result, row: Row, key: str, *, required: bool = False) -> str:
        value = self.raw(res, row, key)
        if value is None:
            if required and key not in res.errors:
                res.add(key, "required")
            return ""
        if isinstance(value, dt.datetime | dt.date):
            value = value.isoformat()[:10]
        elif not isinstance(value, str | int | float):
            res.add(key, "bad_value")
            return ""
        text = str(value).strip()
        col = self.spec.column(key)
        if col.max_length and len(text) > col.max_length:
            res.add(key, "too_long", max=col.max_length)
        return text

    def digits(self, res: Result, row: Row, key: str, *, required: bool = False, code: str = "place_code") -> str:
        """A long digit string (a place code, a number): a number cell with 16+ digits has lost digits."""
        value = self.raw(res, row, key)
        if value is None:
            if required and key not in res.errors:
                res.add(key, "required")
            return ""
        if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
            res.add(key, "number_cell")
            return ""
        text = str(value).strip()
        if not text.isdigit():
            res.add(key, code)
            return ""
        return text

    def choice(self, res: Result, row: Row, key: str) -> str | None:
        value = self.raw(res, row, key)
        if value is None:
            return None
        choices = self.spec.column(key).choices
        found = choices.parse(str(value))
        if found is None:
            res.add(key, "choice", value=shown(value), choices=choices.labels)
        return found

    def date(self, res: Result, row: Row, key: str) -> dt.date | None:
        value = self.raw(res, row, key)
        if value is None:
            return None
        found = as_date(value)
        if found is None:
            res.add(key, "date", value=shown(value))
        elif found > timezone.localdate():
            res.add(key, "date_future")
            return None
        return found

    def document(self, res: Result, row: Row, key: str, id_type: str):
        """(normalised number, birth, gender) or None; the raw cell text for masked-value checks."""
        value = self.raw(res, row, key)
        if value is None:
            return None, ""
        if isinstance(value, float) or (isinstance(value, int) and len(str(value)) > 15):
            res.add(key, "number_cell")
            return None, ""
        text = str(value).strip()
        if "*" in text:
            return None, text
        try:
            return identity.normalize_id(id_type, text), text
        except ValidationError as exc:
            res.add(key, exc.code if exc.code in ("id_format", "id_birth", "id_checksum") else "doc_format")
            return None, text

    # -- places ------------------------------------------------------------------------------------
    def load_places(self, codes: Iterable[str]) -> None:
        """Cache the places with these codes that the uploader may see (unknown = not visible)."""
        wanted = {c for c in codes if c and c not in self._places}
        if not wanted:
            return
        self._query()
        found = {
            p.code: p
            for p in restrict(Place.objects.filter(code__in=wanted), self.user, Action.VIEW).only(
                "id", "code", "path", "level", "name", "is_active"
            )
        }
        for code in wanted:
            self._places[code] = found.get(code)

    def may_add(self, model, path: str) -> bool:
        key = (model._meta.label_lower, path)
        if key not in self._may_add:
            self._query()
            self._may_add[key] = can_at(self.user, Action.ADD, model, path)
        return self._may_add[key]

    def in_scope(self, path: str) -> bool:
        return not self.scope_path or is_within(path, [self.scope_path])

    def house(self, res: Result, key: str, code: str, model) -> Place | None:
        if not code:
            return None
        place = self._places.get(code)
        if place is None or not place.is_active:
            res.add(key, "house_unknown", code=code)
            return None
        if place.level != Level.HOUSE:
            res.add(key, "not_a_house", code=code, level=str(Level(place.level).label))
            return None
        if not self.in_scope(place.path):
            res.add(key, "outside_scope")
            return None
        if not self.may_add(model, place.path):
            res.add(key, "house_forbidden")
            return None
        return place


# -- residents ---------------------------------------------------------------------------------------------


class ResidentValidator(BaseValidator):
    """New people (no 档案编号) and updates of existing records (档案编号 from an export).

    In an update row an empty cell keeps the stored value, and a masked ID or phone equal to the record's
    mask means "unchanged" — so an exported file imports back without errors and without changes.
    """

    spec = RESIDENTS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_ids: dict[str, int] = {}  # id hash -> first row
        self.seen_records: dict[int, int] = {}
        self._record_cache: dict[int, Resident | None] = {}

    def prefetch(self) -> None:
        super().prefetch()
        if not self.cheap_second_pass:
            return
        for house in self.known_houses():
            self.may_add(Resident, house.path)
        ids = {int(v) for v in self.column_values("record") if v.isdigit()}
        self._records(ids)

    def parse(self, row: Row) -> Result:
        res = Result(row.number)
        d = res.data
        record_raw = self.raw(res, row, "record")
        d["record_id"] = None
        if record_raw is not None:
            text = str(record_raw).strip()
            if text.isdigit():
                d["record_id"] = int(text)
            else:
                res.add("record", "record_unknown", record=shown(text))
        update = record_raw is not None
        # In an update row, text that starts with "=" (a typed text cell, never a formula cell) is accepted
        # when it equals what the record holds: an export writes such values as text and must import back.
        self.lenient_keys = frozenset({"name", "ethnicity", "employer", "notes"}) if update else frozenset()
        d["name"] = self.text(res, row, "name", required=not update)
        d["id_type"] = self.choice(res, row, "id_type")
        d["gender"] = self.choice(res, row, "gender")
        d["birth_date"] = self.date(res, row, "birth_date")
        d["ethnicity"] = self.text(res, row, "ethnicity")
        d["political_status"] = self.choice(res, row, "political_status")
        d["residence_status"] = self.choice(res, row, "residence_status")
        d["employer"] = self.text(res, row, "employer")
        d["education"] = self.choice(res, row, "education")
        d["notes"] = self.text(res, row, "notes")
        d["house_code"] = self.digits(res, row, "house", required=not update)
        id_type = d["id_type"] or IdType.ID_CARD
        parsed, id_text = self.document(res, row, "id_number", id_type)
        d["id_parsed"], d["id_text"] = parsed, id_text
        if not update and not id_text and "id_number" not in res.errors:
            res.add("id_number", "required")
        phone_raw = self.raw(res, row, "phone")
        d["phone_text"] = ""
        d["phone"] = None
        if phone_raw is not None:
            text = str(phone_raw).strip()
            d["phone_text"] = text
            if "*" not in text:
                try:
                    d["phone"] = normalize_mobile(text)
                except ValidationError:
                    res.add("phone", "phone_format")
        number = parsed[0] if parsed else id_text
        res.label = f"{d['name']} {mask_id(number) if number else ''}".strip()[:120]
        return res

    def check_batch(self, rows: list[Row]) -> list[Result]:
        results = [self.parse(row) for row in rows]
        self.load_places(r.data["house_code"] for r in results)
        records = self._records({r.data["record_id"] for r in results if r.data["record_id"]})
        for res in results:
            self._check_identity(res, records)
            self._check_house(res, records)
        self._check_duplicates(results)
        return results

    def _records(self, ids: set[int]) -> dict[int, Resident]:
        """The records of update rows that the uploader may change (locked while committing)."""
        todo = [i for i in ids if i not in self._record_cache]
        for start in range(0, len(todo), BATCH):
            chunk = todo[start : start + BATCH]
            self._query()
            qs = restrict(Resident.objects.filter(pk__in=chunk), self.user, Action.CHANGE).select_related("home")
            if self.committing:
                qs = qs.select_for_update(of=("self",))
            found = {r.pk: r for r in qs}
            for i in chunk:
                self._record_cache[i] = found.get(i)
        return {i: self._record_cache[i] for i in ids if self._record_cache.get(i) is not None}

    def _check_identity(self, res: Result, records: dict[int, Resident]) -> None:
        d = res.data
        record = None
        if d["record_id"]:
            record = records.get(d["record_id"])
            if record is None:
                res.add("record", "record_unknown", record=d["record_id"])
            elif record.merged_into_id:
                res.add("record", "record_merged", record=d["record_id"])
                record = None
            elif d["record_id"] in self.seen_records:
                res.add("record", "record_twice", row=self.seen_records[d["record_id"]])
            else:
                self.seen_records[d["record_id"]] = res.number
        d["record"] = record
        update = d["record_id"] is not None
        for key, value in d.pop("equals_text", {}).items():
            if record is None or getattr(record, key) != value:
                res.add(key, "formula")

        # ID: a full number (new or changed), or — in an update row — the record's own mask, or empty
        d["id_change"] = False
        derived_birth = derived_gender = None
        if d["id_parsed"]:
            number, derived_birth, derived_gender = d["id_parsed"]
            id_type = d["id_type"] or (record.id_type if record and record.id_type else IdType.ID_CARD)
            d["id_type_final"] = id_type
            d["id_number"] = number
            d["id_hash"] = identity.id_hash(id_type, number)
            d["id_change"] = not (record and record.id_hash == d["id_hash"] and record.id_type == id_type)
        elif d["id_text"] and "*" in d["id_text"]:
            if not update:
                res.add("id_number", "masked_new")
            elif record is not None and d["id_text"] != record.id_masked:
                res.add("id_number", "masked_mismatch")
        if record is not None and not d["id_change"] and record.id_type == IdType.ID_CARD and record.id_hash:
            derived_birth, derived_gender = record.birth_date, record.gender
        if derived_birth is not None and d["birth_date"] and d["birth_date"] != derived_birth:
            res.add("birth_date", "birth_mismatch", date=derived_birth.isoformat())
        if derived_gender and d["gender"] not in (None, "U", derived_gender):
            res.add("gender", "gender_mismatch")
        d["derived_birth"], d["derived_gender"] = derived_birth, derived_gender

        if d["phone_text"] and "*" in d["phone_text"]:
            if not update:
                res.add("phone", "masked_new")
            elif record is not None and d["phone_text"] != record.phone_masked:
                res.add("phone", "masked_mismatch")

    def _check_house(self, res: Result, records: dict[int, Resident]) -> None:
        d = res.data
        record = d["record"]
        if d["record_id"] and not d["house_code"]:
            d["house"] = None  # keep where the record is
            return
        if record is not None and record.home_id and record.home.code == d["house_code"]:
            d["house"] = record.home  # unchanged: no "add" right needed
            return
        d["house"] = self.house(res, "house", d["house_code"], Resident)

    def _check_duplicates(self, results: list[Result]) -> None:
        """The same document number twice in the file, or already on another record (keyed hash, no plaintext).

        While committing, the database's unique constraint (one active record per document number) checks
        against existing records at insert time, race-free; a violation rolls everything back and the file is
        checked again to say which rows (``services.run_commit``). Querying here instead, batch after batch
        while the table grows inside the transaction, costs a scan per batch when statistics are stale.
        """
        pending: dict[str, Result] = {}
        for res in results:
            d = res.data
            if not d.get("id_change") or "id_number" in res.errors:
                continue
            first = self.seen_ids.get(d["id_hash"])
            if first is not None:
                res.add("id_number", "dup_in_file", row=first)
                continue
            self.seen_ids[d["id_hash"]] = res.number
            pending[d["id_hash"]] = res
        if not pending or self.committing:
            return
        # only the id_hash index is usable: no other condition may tempt the planner into a scan
        clashes = [
            (pk, id_type, id_hash)
            for pk, id_type, id_hash, merged in Resident.objects.filter(id_hash__in=list(pending)).values_list(
                "pk", "id_type", "id_hash", "merged_into_id"
            )
            if merged is None
        ]
        visible = (
            set(
                restrict(Resident.objects.filter(pk__in=[c[0] for c in clashes]), self.user, Action.VIEW).values_list(
                    "pk", flat=True
                )
            )
            if clashes
            else set()
        )
        for pk, id_type, id_hash in clashes:
            res = pending[id_hash]
            d = res.data
            if id_type != d["id_type_final"] or (d["record"] is not None and d["record"].pk == pk):
                continue
            if pk in visible:
                res.add("id_number", "dup_in_db", record=pk)
            else:
                res.add("id_number", "dup_in_db_hidden")


# -- households --------------------------------------------------------------------------------------------


class HouseholdValidator(BaseValidator):
    """One row per member; rows with the same 户号 (or, without one, the same house) form a household.

    Group rules (one head, one house, a person once) need every row, so results come out at the end.
    """

    spec = HOUSEHOLDS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.results: list[Result] = []

    def check_batch(self, rows: list[Row]) -> list[Result]:
        batch = []
        for row in rows:
            res = Result(row.number)
            d = res.data
            d["number"] = self.text(res, row, "number")
            d["house_code"] = self.digits(res, row, "house", required=True)
            id_type = self.choice(res, row, "id_type") or IdType.ID_CARD
            parsed, id_text = self.document(res, row, "id_number", id_type)
            if not id_text and "id_number" not in res.errors:
                res.add("id_number", "required")
            elif id_text and "*" in id_text:
                res.add("id_number", "masked_new")
            d["id_type"], d["parsed"] = id_type, parsed
            d["name"] = self.text(res, row, "name")
            d["relation"] = self.choice(res, row, "relation")
            if d["relation"] is None and "relation" not in res.errors:
                res.add("relation", "required")
            d["since"] = self.date(res, row, "since") or timezone.localdate()
            number = parsed[0] if parsed else id_text
            res.label = f"{d['name']} {mask_id(number) if number else ''}".strip()[:120]
            batch.append(res)
        self.load_places(r.data["house_code"] for r in batch)
        hashes = {identity.id_hash(r.data["id_type"], r.data["parsed"][0]): r for r in batch if r.data["parsed"]}
        people = {}
        if hashes:
            qs = restrict(
                Resident.objects.filter(id_hash__in=list(hashes), merged_into__isnull=True), self.user, Action.VIEW
            ).only("id", "name", "id_type", "id_hash", "home_id", "scope_path")
            people = {(p.id_type, p.id_hash): p for p in qs}
        current = {}
        if people:
            current = {
                m.resident_id: m.household.number
                for m in HouseholdMember.objects.filter(
                    resident_id__in=[p.pk for p in people.values()], until__isnull=True
                ).select_related("household")
            }
        for res in batch:
            d = res.data
            d["house"] = self.house(res, "house", d["house_code"], Household)
            d["person"] = None
            if d["parsed"]:
                person = people.get((d["id_type"], identity.id_hash(d["id_type"], d["parsed"][0])))
                if person is None:
                    res.add("id_number", "person_unknown")
                else:
                    d["person"] = person
                    if d["name"] and d["name"] != person.name:
                        res.add("name", "name_mismatch", name=person.name)
                    if person.pk in current:
                        res.add("id_number", "member_elsewhere", number=current[person.pk])
        numbers = {r.data["number"] for r in batch if r.data["number"]}
        taken = set(Household.objects.filter(number__in=numbers).values_list("number", flat=True)) if numbers else ()
        for res in batch:
            if res.data["number"] in taken:
                res.add("number", "household_exists", number=res.data["number"])
        self.results.extend(batch)
        return []

    def finish(self) -> list[Result]:
        groups: dict[tuple, list[Result]] = {}
        for res in self.results:
            d = res.data
            key = ("n", d["number"]) if d["number"] else ("h", d["house_code"])
            groups.setdefault(key, []).append(res)
        seen_people: dict[int, int] = {}
        for key, rows in groups.items():
            first = rows[0]
            head_row = None
            for res in rows:
                d = res.data
                if (
                    key[0] == "n"
                    and d["house_code"]
                    and first.data["house_code"]
                    and d["house_code"] != first.data["house_code"]
                ):
                    res.add("house", "household_house_differs", number=d["number"], row=first.number)
                if d["relation"] == Relation.HEAD:
                    if head_row is not None:
                        res.add("relation", "household_two_heads", row=head_row)
                    else:
                        head_row = res.number
                person = d.get("person")
                if person is not None:
                    if person.pk in seen_people:
                        res.add("id_number", "member_twice", row=seen_people[person.pk])
                    else:
                        seen_people[person.pk] = res.number
            if head_row is None and first.data["relation"] is not None:
                first.add("relation", "household_no_head")
            for res in rows:
                res.data["group"] = key
        out = self.results
        self.results = []
        return out


# -- organisations -----------------------------------------------------------------------------------------


class OrganisationValidator(BaseValidator):
    spec = ORGANISATIONS

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.seen_names: dict[str, int] = {}
        self.seen_codes: dict[str, int] = {}

    def check_batch(self, rows: list[Row]) -> list[Result]:
        batch = []
        for row in rows:
            res = Result(row.number)
            d = res.data
            d["name"] = self.text(res, row, "name", required=True)
            d["short_name"] = self.text(res, row, "short_name")
            d["kind"] = self.choice(res, row, "kind")
            if d["kind"] is None and "kind" not in res.errors:
                res.add("kind", "required")
            code = self.text(res, row, "credit_code").upper()
            if code:
                try:
                    validate_credit_code(code)
                except ValidationError as exc:
                    res.add("credit_code", exc.code or "credit_code_format")
            d["credit_code"] = code
            d["area_code"] = self.digits(res, row, "area", required=True)
            d["contact_name"] = self.text(res, row, "contact_name")
            phone = self.text(res, row, "contact_phone")
            if phone:
                try:
                    validate_phone(phone)
                except ValidationError:
                    res.add("contact_phone", "phone_format")
            d["contact_phone"] = phone
            d["address"] = self.text(res, row, "address")
            res.label = d["name"][:120]
            batch.append(res)
        self.load_places(r.data["area_code"] for r in batch)
        names = {r.data["name"] for r in batch if r.data["name"]}
        codes = {r.data["credit_code"] for r in batch if r.data["credit_code"]}
        names_taken = set(Organisation.objects.filter(name__in=names).values_list("name", flat=True))
        codes_taken = set(Organisation.objects.filter(credit_code__in=codes).values_list("credit_code", flat=True))
        for res in batch:
            d = res.data
            d["area"] = self._area(res, d["area_code"])
            if d["name"]:
                if d["name"] in self.seen_names:
                    res.add("name", "org_name_in_file", row=self.seen_names[d["name"]])
                else:
                    self.seen_names[d["name"]] = res.number
                    if d["name"] in names_taken:
                        res.add("name", "org_name_in_db")
            if d["credit_code"] and "credit_code" not in res.errors:
                if d["credit_code"] in self.seen_codes:
                    res.add("credit_code", "credit_dup_in_file", row=self.seen_codes[d["credit_code"]])
                else:
                    self.seen_codes[d["credit_code"]] = res.number
                    if d["credit_code"] in codes_taken:
                        res.add("credit_code", "credit_dup_in_db")
        return batch

    def _area(self, res: Result, code: str) -> Place | None:
        if not code:
            return None
        place = self._places.get(code)
        if place is None or not place.is_active:
            res.add("area", "area_unknown", code=code)
            return None
        if place.level > Level.COMMUNITY:
            res.add("area", "area_level")
            return None
        if not self.in_scope(place.path):
            res.add("area", "outside_scope")
            return None
        if not self.may_add(Organisation, place.path):
            res.add("area", "area_forbidden")
            return None
        return place


VALIDATORS = {
    RESIDENTS.kind: ResidentValidator,
    HOUSEHOLDS.kind: HouseholdValidator,
    ORGANISATIONS.kind: OrganisationValidator,
}
