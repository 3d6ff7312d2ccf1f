"""Checking household rows: one row per member, grouped by 户号 (or house); one head, one house, a person once."""

from __future__ import annotations

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.core.validators import mask_id
from linli.registry import identity
from linli.registry.models import Household, HouseholdMember, IdType, Relation, Resident

from ..columns import HOUSEHOLDS
from ..reader import Row
from .base import BaseValidator, Result


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
            d["since"] = self.date(res, row, "since") or dates.today()
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
