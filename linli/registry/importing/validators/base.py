"""What every import validator shares: the row's ``Result``, batching, cell formats, rights."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError

from linli.areas.models import Level, Place
from linli.core import dates
from linli.core.paths import is_within
from linli.core.permissions import Action, can_at, restrict
from linli.core.validators import mask_id
from linli.registry import identity

from ..columns import Spec
from ..reader import Row, Sheet, as_date

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


def batches(rows: Iterable[Row], size: int = BATCH) -> Iterator[list[Row]]:
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
        for batch in batches(rows):
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
        elif found > dates.today():
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
