"""Checking organisation rows: names and credit codes unique in the file and the database, the area in scope."""

from __future__ import annotations

from django.core.exceptions import ValidationError

from linli.areas.models import Level, Place
from linli.core.validators import validate_credit_code, validate_phone
from linli.orgs.models import Organisation

from ..columns import ORGANISATIONS
from ..reader import Row
from .base import BaseValidator, Result


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
