"""Checking resident rows: new people (no 档案编号) and updates of records named by an export's 档案编号."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from linli.core.permissions import Action, restrict
from linli.core.validators import mask_id, normalize_mobile
from linli.registry import identity
from linli.registry.models import IdType, Resident

from ..columns import RESIDENTS
from ..reader import Row
from .base import BATCH, BaseValidator, Result, shown


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
