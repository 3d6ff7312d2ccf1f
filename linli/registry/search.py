"""Finding residents: by name, pinyin initials or full pinyin, last four digits of an ID or phone, address.

Always through the permission chokepoint, always masked: the hits carry ``id_masked``/``phone_masked``
and never a cipher or hash. A full ID card or mobile number typed in is matched exactly through the
keyed hash (nothing is decrypted) and the hit still shows only the masked value.

Composable pieces for other selectors (the resident list's ``q`` filter):

* ``search_q(q) -> Q``: the filter (every whitespace-separated term must match);
* ``search_rank(q) -> expression``: a small integer, lower is better (exact name first);
* ``search_residents(user, q, limit=20)``: the restricted, ranked, masked hits.

How each term is read:

=====================  ==========================================================================
``1234`` / ``123X``    exact on ``id_last4`` (and ``phone_last4`` for four digits)
``zsf`` / ``zhangs``   prefix of ``name_initials`` or of ``name_pinyin`` (lower case)
an 18/15-digit ID      exact on ``id_hash`` (resident identity card)
an 11-digit mobile     exact on ``phone_hash``
3+ other characters    anywhere in ``name`` or in ``address`` (the house's full address)
1–2 other characters   the start or end of ``name`` (a surname, a given name: 张, 张三, 桂英), or the
                       start or end of a place name in ``address`` (西苑, 3栋); one character only the
                       start of either (a surname, "3" for 3栋/3单元)
=====================  ==========================================================================

Why the short-fragment rule: on PostgreSQL every pattern is a ``LIKE`` that the pg_trgm GIN indexes of
migration 0003 can answer (trigrams need three characters, counting the padding pg_trgm puts around
each word, so a one- or two-character fragment is indexable only at a word's edge). A plain
``LIKE '%张%'`` would scan all 200,000 rows; these stay within the 100 ms p95 of
bench/search_residents.py. SQLite reads the same patterns (same results), without the indexes.
"""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db.models import Case, IntegerField, Q, Value, When

from linli.core import dates
from linli.core.permissions import Action, restrict
from linli.core.validators import MOBILE, parse_id_card

from . import identity
from .models import IdType, Resident

MAX_QUERY = 60
MAX_TERMS = 5

LAST4 = re.compile(r"^\d{3}[\dX]$")
LATIN = re.compile(r"^[a-z]+$")
FULL_ID = re.compile(r"^(\d{17}[\dX]|\d{15})$")

# The columns a hit is built from: masked values only, never ciphers or hashes.
HIT_FIELDS = (
    "id",
    "name",
    "gender",
    "birth_date",
    "id_masked",
    "phone_masked",
    "address",
    "scope_path",
    "home_id",
    "is_active",
)


@dataclass(frozen=True)
class Term:
    kind: str  # "last4" | "pinyin" | "id" | "phone" | "text"
    value: str


@dataclass(frozen=True)
class ResidentHit:
    id: int
    name: str
    gender: str
    birth_date: dt.date | None
    id_masked: str
    phone_masked: str
    address: str
    scope_path: str
    home_id: int | None
    is_active: bool
    matched: str  # which field matched: name, pinyin, id, phone or address

    @property
    def age(self) -> int | None:
        if not self.birth_date:
            return None
        today = dates.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))


def normalise(q: str) -> str:
    return " ".join((q or "").split())[:MAX_QUERY]


def parse(q: str) -> list[Term]:
    """Split ``q`` into typed terms (at most five; the rest is ignored)."""
    terms = []
    for raw in normalise(q).split(" ")[:MAX_TERMS]:
        if not raw:
            continue
        upper, lower = raw.upper(), raw.lower()
        if LAST4.match(upper):
            terms.append(Term("last4", upper))
        elif LATIN.match(lower):
            terms.append(Term("pinyin", lower))
        elif FULL_ID.match(upper):
            try:
                number, _birth, _gender = parse_id_card(upper)
            except ValidationError:
                terms.append(Term("text", raw))
            else:
                terms.append(Term("id", number))
        elif MOBILE.match(raw):
            terms.append(Term("phone", raw))
        else:
            terms.append(Term("text", raw))
    return terms


def _term_q(term: Term) -> Q:
    if term.kind == "last4":
        q = Q(id_last4=term.value)
        if term.value.isdigit():
            q |= Q(phone_last4=term.value)
        return q
    if term.kind == "pinyin":
        return Q(name_initials__startswith=term.value) | Q(name_pinyin__startswith=term.value)
    if term.kind == "id":
        return Q(id_type=IdType.ID_CARD, id_hash=identity.id_hash(IdType.ID_CARD, term.value))
    if term.kind == "phone":
        return Q(phone_hash=identity.phone_hash(term.value))
    return _text_q(term.value)


def _text_q(text: str) -> Q:
    if len(text) >= 3:
        return Q(name__contains=text) | Q(address__contains=text)
    # address words are separated by spaces (雨山区 平湖街道 雨秀社区 怡心花园 3栋 1单元 101)
    word_start = Q(name__startswith=text) | Q(address__contains=f" {text}")
    if len(text) == 1:
        return word_start
    return word_start | Q(name__endswith=text) | Q(address__contains=f"{text} ") | Q(address__endswith=text)


def search_q(q: str) -> Q | None:
    """The filter for ``q`` (every term must match), or None when ``q`` is empty."""
    result = None
    for term in parse(q):
        part = _term_q(term)
        result = part if result is None else result & part
    return result


def search_rank(q: str):
    """An integer expression, lower first: exact name 0, name/initials starting with the term 1,
    name containing (or ending with) it or full pinyin starting with it 2, anything else (address, …) 3."""
    terms = parse(q)
    if not terms:
        return Value(0, output_field=IntegerField())
    whole, first = normalise(q), terms[0]
    whens = [When(name=whole, then=Value(0))]
    if first.kind == "text":
        whens += [
            When(name__startswith=first.value, then=Value(1)),
            When(name__contains=first.value, then=Value(2)),
        ]  # (ends with it, for short fragments)
    elif first.kind == "pinyin":
        whens += [
            When(name_initials=first.value, then=Value(0)),
            When(name_pinyin=first.value, then=Value(0)),
            When(name_initials__startswith=first.value, then=Value(1)),
            When(name_pinyin__startswith=first.value, then=Value(2)),
        ]
    elif first.kind == "last4":
        whens += [When(id_last4=first.value, then=Value(1))]
    else:
        whens = [When(pk__isnull=False, then=Value(0))]
    return Case(*whens, default=Value(3), output_field=IntegerField())


def _matched(row: dict, terms: list[Term]) -> str:
    first = terms[0]
    if first.kind == "last4":
        return "id" if row["id_masked"].upper().endswith(first.value) else "phone"
    if first.kind in ("id", "phone"):
        return first.kind
    if first.kind == "pinyin":
        return "pinyin"
    return "name" if first.value in row["name"] else "address"


def search_residents(
    user, q: str, limit: int = 20, *, include_inactive: bool = False, action: str = Action.VIEW, extra: Q | None = None
) -> list[ResidentHit]:
    """Residents ``user`` may see that match ``q``, best first, at most ``limit`` (masked values only);
    ``extra`` narrows further (a picker's "party members only")."""
    where = search_q(q)
    if where is None:
        return []
    limit = max(1, min(int(limit), 100))
    qs = restrict(Resident.objects.filter(merged_into__isnull=True), user, action).filter(where)
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if extra is not None:
        qs = qs.filter(extra)
    rows = qs.annotate(search_rank=search_rank(q)).order_by("search_rank", "name", "id").values(*HIT_FIELDS)[:limit]
    terms = parse(q)
    return [ResidentHit(**row, matched=_matched(row, terms)) for row in rows]
