"""Exports of filtered lists to xlsx: masked, restricted to where the exporter may export, audited, signed.

* Rows come through the chokepoint with the "export" action (``selectors.residents(..., action="export")``):
  a grid worker exports their grid and nothing else; without the right anywhere the view answers 403.
* ID and phone numbers are ALWAYS the stored masks (``id_masked``/``phone_masked``): ciphers are never read,
  nothing is decrypted, and exporting full numbers is not offered at all.
* The first row names the exporter and the time; a second sheet repeats them with the filters and the row
  count; the workbook's properties carry the exporter too (domain rules §10: exports that leak are traceable).
* Every export writes one audit row (action "export") with the filters and the row count.
* The resident sheet has exactly the columns of the import template (plus the record number 档案编号 the
  template also has), so an exported file imports back: see ``importing.validators.residents.ResidentValidator``.

Streaming: openpyxl's write-only mode writes rows to a temporary file as they come from a server-side
iterator, so memory does not grow with the list.
"""

from __future__ import annotations

import json

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.paths import common_path
from linli.core.permissions import Action, bindings_for, may_any, restrict, role_may
from linli.core.xlsx import Book, signature
from linli.orgs.models import Organisation

from . import selectors
from .importing.columns import (
    EDUCATION,
    GENDERS,
    HOUSEHOLDS,
    ID_TYPES,
    ORG_KINDS,
    ORGANISATIONS,
    POLITICAL,
    RELATIONS,
    RESIDENCE,
    RESIDENTS,
    Spec,
)
from .models import HouseholdMember, Resident

CHUNK = 2000

RESIDENT_FIELDS = (
    "id",
    "name",
    "id_type",
    "id_masked",
    "phone_masked",
    "gender",
    "birth_date",
    "ethnicity",
    "political_status",
    "residence_status",
    "employer",
    "education",
    "home__code",
    "notes",
)


def _export_scope(actor, model, action: str = Action.EXPORT) -> str:
    """The place path the audit row is filed under: the deepest place above everything exported."""
    if actor.is_superuser:
        return ""
    prefixes = [p for b in bindings_for(actor) if role_may(b.role, model, action) for p in model.coverage_prefixes(b)]
    return common_path(prefixes)


class _Book:
    """A write-only workbook: a banner row naming the exporter, the template's headers, then the rows."""

    def __init__(self, *, actor, spec: Spec, title: str):
        self.actor, self.spec, self.title = actor, spec, title
        self.who, self.when = signature(actor)
        self.wb = Book(creator=self.who, title=title)
        self.ws = self.wb.sheet(spec.sheet, widths=[col.width for col in spec.columns])
        banner = _(
            "%(title)s · exported by %(who)s at %(when)s · personal information: keep it safe, do not pass "
            "it on · ID and phone numbers are masked"
        ) % {"title": title, "who": self.who, "when": self.when}
        self.ws.append([banner])
        self.ws.append([c.header for c in spec.columns], bold=True)
        self.count = 0

    def append(self, values) -> None:
        self.ws.append(values)
        self.count += 1

    def close(self, filters: dict):
        info = self.wb.sheet(_("Export information"))
        info.append([_("Exported by"), self.who])
        info.append([_("Exported at"), self.when])
        info.append([_("Rows"), self.count])
        info.append([_("Filters"), json.dumps(filters, ensure_ascii=False) if filters else _("none")])
        info.append([_("Note"), _("ID and phone numbers are masked. Full numbers are never exported.")])
        return self.wb.save()


def _audit(actor, *, model, filters: dict, count: int, scope_path: str) -> None:
    audit.record(
        actor=actor,
        action="export",
        object_type=model._meta.label_lower,
        object_id="",
        object_repr=str(model._meta.verbose_name_plural),
        scope_path=scope_path,
        note=json.dumps({"filters": filters, "rows": count}, ensure_ascii=False)[:2000],
    )


def export_residents(*, actor, filters: dict, place=None, description: dict | None = None):
    """The residents ``actor`` may export, filtered like the list page, as an xlsx temp file (audited).

    ``filters`` are ``selectors.residents`` keyword arguments; ``description`` is what the audit row and the
    file's information sheet record (the GET parameters as given).
    """
    if not may_any(actor, Resident, Action.EXPORT):
        raise PermissionDenied(_("You may not export residents."))
    qs = selectors.residents(actor, place=place, action=Action.EXPORT, **filters)
    book = _Book(actor=actor, spec=RESIDENTS, title=_("Residents"))
    for row in qs.values_list(*RESIDENT_FIELDS).iterator(chunk_size=CHUNK):
        (
            pk,
            name,
            id_type,
            id_masked,
            phone_masked,
            gender,
            birth,
            ethnicity,
            political,
            residence,
            employer,
            education,
            house_code,
            notes,
        ) = row
        book.append(
            [
                pk,
                name,
                ID_TYPES.label(id_type) if id_masked else "",
                id_masked,
                phone_masked,
                GENDERS.label(gender),
                birth,
                ethnicity,
                POLITICAL.label(political),
                RESIDENCE.label(residence),
                employer,
                EDUCATION.label(education),
                house_code,
                notes,
            ]
        )
    description = description or {}
    out = book.close(description)
    _audit(
        actor,
        model=Resident,
        filters=description,
        count=book.count,
        scope_path=place.path if place is not None else _export_scope(actor, Resident),
    )
    return out, book.count


def export_households(*, actor, q: str = "", place=None, description: dict | None = None):
    """Current household members (one row each, in the household template's columns, numbers masked)."""
    if not may_any(actor, Resident, Action.EXPORT):
        raise PermissionDenied(_("You may not export residents."))
    households = selectors.households(actor, q=q, place=place)
    members = (
        restrict(HouseholdMember.objects.all(), actor, Action.VIEW)
        .filter(
            until__isnull=True,
            household__in=households.values("pk"),
            resident__in=restrict(Resident.objects.all(), actor, Action.EXPORT).values("pk"),
        )
        .order_by("household__scope_path", "household__number", "since", "id")
        .values_list(
            "household__number",
            "household__house__code",
            "resident__id_type",
            "resident__id_masked",
            "resident__name",
            "relation",
            "since",
        )
    )
    book = _Book(actor=actor, spec=HOUSEHOLDS, title=_("Households"))
    for number, house_code, id_type, id_masked, name, relation, since in members.iterator(chunk_size=CHUNK):
        book.append(
            [
                number,
                house_code,
                ID_TYPES.label(id_type) if id_masked else "",
                id_masked,
                name,
                RELATIONS.label(relation),
                since,
            ]
        )
    description = description or {}
    out = book.close(description)
    _audit(
        actor,
        model=HouseholdMember,
        filters=description,
        count=book.count,
        scope_path=place.path if place is not None else _export_scope(actor, Resident),
    )
    return out, book.count


def export_organisations(*, actor, q: str = "", kind: str = "", description: dict | None = None):
    """Organisations ``actor`` may see (no personal numbers: office phones only), in the template's columns."""
    from linli.orgs.selectors import search_q

    if not may_any(actor, Organisation, Action.VIEW):
        raise PermissionDenied(_("You may not export organisations."))
    qs = restrict(Organisation.objects.all(), actor, Action.VIEW)
    if kind:
        qs = qs.filter(kind=kind)
    where = search_q(q)
    if where is not None:
        qs = qs.filter(where)
    book = _Book(actor=actor, spec=ORGANISATIONS, title=_("Organisations"))
    rows = qs.order_by("kind", "name", "pk").values_list(
        "name", "short_name", "kind", "credit_code", "area__code", "contact_name", "contact_phone", "address"
    )
    for name, short, org_kind, code, area_code, contact, phone, address in rows.iterator(chunk_size=CHUNK):
        book.append([name, short, ORG_KINDS.label(org_kind), code, area_code, contact, phone, address])
    description = description or {}
    out = book.close(description)
    _audit(
        actor,
        model=Organisation,
        filters=description,
        count=book.count,
        scope_path=_export_scope(actor, Organisation, Action.VIEW),
    )
    return out, book.count
