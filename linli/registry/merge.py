"""One person, one record (一人一档): suspected duplicates among people without an ID, and merging them.

People with an ID number cannot be registered twice (the keyed hash is unique). People without one can:
``suspected_duplicates`` finds records with the same name and birth date living at the same home (or the
same address), at least one of them without an ID; ``merge`` folds one record (``drop``) into another
(``keep``):

* every reference to ``drop`` moves to ``keep`` — found generically through
  every relation to Resident (hidden ones included), so the foreign keys that later domains add (work orders, visits,
  volunteering …) are covered without editing this module;
* a reference that would break a unique constraint once moved (both records in the same household, the
  same open care group, the same house held the same way) is closed on the day of the merge when the row
  has an open ``until`` (the history stays), otherwise the redundant row is deleted; either way the audit
  note says so;
* values ``keep`` lacks are copied from ``drop`` (never overwriting what ``keep`` has): ID and phone
  (cipher, hash, mask, last four as a group), birth date, gender, ethnicity, employer, education, notes,
  home;
* ``drop`` is marked ``merged_into=keep`` and inactive (never deleted) and both records get a ``merge``
  audit row with their before/after snapshots.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.core.exceptions import FieldDoesNotExist, ValidationError
from django.db import models, transaction
from django.db.models import Count, Q
from django.db.models.deletion import ProtectedError, RestrictedError
from django.utils import timezone
from django.utils.translation import gettext as _

from linli.core import audit, dates
from linli.core.permissions import Action, can, require, restrict

from .models import Gender, Household, HouseholdMember, Resident

# Fields copied from ``drop`` when ``keep`` has no value (groups move together).
COPY_GROUPS = (
    ("id_type", "id_cipher", "id_hash", "id_masked", "id_last4"),
    ("phone_cipher", "phone_hash", "phone_masked", "phone_last4"),
    ("home", "address", "scope_path"),
    ("birth_date",),
    ("gender",),
    ("ethnicity",),
    ("employer",),
    ("education",),
    ("notes",),
)
# Related rows whose place path is a copy of their resident's (re-copied from ``keep`` after the move).
# A later model can opt in with ``scope_follows = "<its foreign key to Resident>"``.
SCOPE_FOLLOWS = {("registry.residenttag", "resident")}


# -- suspected duplicates -----------------------------------------------------------------------------


@dataclass
class DuplicateGroup:
    name: str
    birth_date: dt.date
    residents: list[Resident] = field(default_factory=list)

    @property
    def suggested_keep(self) -> Resident:
        """The record with an ID number if any, else the oldest one."""
        return sorted(self.residents, key=lambda r: (not r.id_hash, r.pk))[0]

    @property
    def others(self) -> list[Resident]:
        keep = self.suggested_keep
        return [r for r in self.residents if r.pk != keep.pk]


def suspected_duplicates(user, *, action: str = Action.VIEW, limit: int = 200) -> list[DuplicateGroup]:
    """Groups of active records ``user`` may see with the same name and birth date and the same home (or
    address), at least one without an ID number. Three queries whatever the size of the district."""
    base = restrict(
        Resident.objects.filter(merged_into__isnull=True, is_active=True, birth_date__isnull=False), user, action
    )
    counted = {"n": Count("id"), "no_id": Count("id", filter=Q(id_hash=""))}
    keys = []
    for where, column in ((Q(home__isnull=False), "home_id"), (~Q(address=""), "address")):
        keys += [
            (row["name"], row["birth_date"], column, row[column])
            for row in base.filter(where)
            .values("name", "birth_date", column)
            .annotate(**counted)
            .filter(n__gt=1, no_id__gt=0)
            .order_by("name", "birth_date")[:limit]
        ]
    if not keys:
        return []
    candidates = (
        base.filter(name__in={k[0] for k in keys}, birth_date__in={k[1] for k in keys})
        .select_related("home")
        .order_by("pk")
    )
    wanted = {k[:2]: [] for k in keys}
    for k in keys:
        wanted[k[:2]].append((k[2], k[3]))
    # union of the home groups and the address groups of one (name, birth date)
    groups: dict[tuple, DuplicateGroup] = {}
    for r in candidates:
        for column, value in wanted.get((r.name, r.birth_date), ()):
            if getattr(r, column) == value:
                group = groups.setdefault((r.name, r.birth_date, column, value), DuplicateGroup(r.name, r.birth_date))
                group.residents.append(r)
    merged: list[DuplicateGroup] = []
    seen: dict[int, DuplicateGroup] = {}
    for group in groups.values():
        target = next((seen[r.pk] for r in group.residents if r.pk in seen), None)
        if target is None:
            target = DuplicateGroup(group.name, group.birth_date)
            merged.append(target)
        for r in group.residents:
            if r.pk not in seen:
                target.residents.append(r)
                seen[r.pk] = target
    return sorted(
        (g for g in merged if len(g.residents) > 1), key=lambda g: (g.residents[0].scope_path, g.name, g.birth_date)
    )[:limit]


# -- references ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Reference:
    """A table pointing at residents: ``model.<field>`` holds a resident's id."""

    model: type[models.Model]
    field: models.Field

    @property
    def label(self) -> str:
        return f"{self.model._meta.label_lower}.{self.field.name}"

    @property
    def verbose_name(self) -> str:
        return str(self.model._meta.verbose_name_plural)

    def rows(self, resident) -> models.QuerySet:
        return self.model._base_manager.filter(**{self.field.name: resident})


def references() -> list[Reference]:
    """Every foreign key to Resident, hidden ones (``related_name="+"``) included; many-to-many through their tables."""
    refs = []
    rels = [
        f
        for f in Resident._meta.get_fields(include_hidden=True)
        if f.auto_created and not f.concrete and (f.one_to_many or f.one_to_one or f.many_to_many)
    ]
    for rel in rels:
        if rel.many_to_many:
            through = rel.through
            if not through._meta.auto_created:
                continue  # an explicit through model is listed by its own foreign key
            for f in through._meta.fields:
                if f.is_relation and f.related_model is Resident:
                    refs.append(Reference(through, f))
        else:
            refs.append(Reference(rel.related_model, rel.field))
    return refs


def reference_counts(resident: Resident) -> list[tuple[str, int]]:
    """(what, how many rows) for each table referring to ``resident`` (the compare page)."""
    out = []
    for ref in references():
        n = ref.rows(resident).count()
        if n:
            out.append((ref.verbose_name, n))
    return out


def _clashes(row: models.Model) -> bool:
    try:
        row.validate_unique()
        row.validate_constraints()
    except ValidationError:
        return True
    return False


def _close_or_delete(ref: Reference, row: models.Model, keep: Resident, today: dt.date, report: MergeReport):
    """``row`` (of drop) would duplicate one of keep's: end it if it can end, else delete it."""
    model = type(row)
    until = model._meta.get_field("until") if _has_field(model, "until") else None
    if until is not None and until.null and row.until is None:
        since = getattr(row, "since", None)
        row.until = max(today, since) if isinstance(since, dt.date) else today
        setattr(row, ref.field.attname, keep.pk)
        if not _clashes(row):
            row.save(update_fields=["until", ref.field.attname, *_updated_at(model)])
            report.count("ended", ref.label)
            return
    try:
        snapshot = audit.snapshot(row)
        model._base_manager.filter(pk=row.pk).delete()
    except (ProtectedError, RestrictedError) as exc:
        raise ValidationError(
            _("These records cannot be merged automatically: both have a %(what)s that cannot be combined.")
            % {"what": model._meta.verbose_name}
        ) from exc
    report.deleted.append({"table": ref.label, "row": snapshot})
    report.count("deleted", ref.label)


def _has_field(model, name: str) -> bool:
    try:
        model._meta.get_field(name)
    except FieldDoesNotExist:
        return False
    return True


def _updated_at(model) -> list[str]:
    return ["updated_at"] if _has_field(model, "updated_at") else []


@dataclass
class MergeReport:
    keep: Resident
    drop: Resident
    moved: dict[str, int] = field(default_factory=dict)
    ended: dict[str, int] = field(default_factory=dict)
    deleted_counts: dict[str, int] = field(default_factory=dict)
    deleted: list[dict] = field(default_factory=list)
    copied: list[str] = field(default_factory=list)

    def count(self, what: str, label: str) -> None:
        bucket = {"moved": self.moved, "ended": self.ended, "deleted": self.deleted_counts}[what]
        bucket[label] = bucket.get(label, 0) + 1

    def note(self) -> str:
        parts = [f"merged record #{self.drop.pk} into #{self.keep.pk}"]
        for title, bucket in (
            ("moved", self.moved),
            ("ended (duplicate)", self.ended),
            ("deleted (duplicate)", self.deleted_counts),
        ):
            if bucket:
                parts.append(f"{title}: " + ", ".join(f"{k} {v}" for k, v in sorted(bucket.items())))
        if self.copied:
            parts.append("copied from the merged record: " + ", ".join(self.copied))
        return "; ".join(parts)


def _move_references(keep: Resident, drop: Resident, today: dt.date, report: MergeReport) -> None:
    for ref in references():
        rows = list(ref.rows(drop).order_by("pk"))
        for row in rows:
            setattr(row, ref.field.attname, keep.pk)
            if _clashes(row):
                setattr(row, ref.field.attname, drop.pk)
                _close_or_delete(ref, row, keep, today, report)
            else:
                changes = {ref.field.attname: keep.pk}
                if _updated_at(ref.model):
                    changes["updated_at"] = timezone.now()
                ref.model._base_manager.filter(pk=row.pk).update(**changes)
                report.count("moved", ref.label)


def _missing(value) -> bool:
    return value in (None, "") or value == Gender.UNKNOWN


def _value(resident: Resident, name: str):
    return getattr(resident, Resident._meta.get_field(name).attname)


def fills(keep: Resident, drop: Resident) -> list[str]:
    """The fields ``keep`` lacks that ``drop`` has (what a merge would copy), by the first name of each group."""
    return [
        group[0] for group in COPY_GROUPS if _missing(_value(keep, group[0])) and not _missing(_value(drop, group[0]))
    ]


def _copy_missing(keep: Resident, drop: Resident, report: MergeReport) -> None:
    for head in fills(keep, drop):
        group = next(g for g in COPY_GROUPS if g[0] == head)
        for name in group:
            attname = Resident._meta.get_field(name).attname
            setattr(keep, attname, getattr(drop, attname))
        report.copied.append({"id_type": "id_number", "phone_cipher": "phone"}.get(head, head))


def _check_same_person(keep: Resident, drop: Resident) -> None:
    errors = {}
    if keep.id_hash and drop.id_hash and (keep.id_hash, keep.id_type) != (drop.id_hash, drop.id_type):
        errors["drop"] = _("Both records carry an ID number and the numbers differ: they are different people.")
    elif keep.birth_date and drop.birth_date and keep.birth_date != drop.birth_date:
        errors["drop"] = _("The birth dates differ (%(keep)s and %(drop)s): check before merging.") % {
            "keep": keep.birth_date.isoformat(),
            "drop": drop.birth_date.isoformat(),
        }
    elif Gender.UNKNOWN not in (keep.gender, drop.gender) and keep.gender != drop.gender:
        errors["drop"] = _("The genders differ: check before merging.")
    if errors:
        raise ValidationError(errors)


def _repair_registry(keep: Resident, report: MergeReport) -> None:
    """Registry invariants the generic move cannot know: place paths copied from the resident, and the head
    of a household the merged person no longer currently belongs to."""
    for ref in references():
        follows = (ref.model._meta.label_lower, ref.field.name) in SCOPE_FOLLOWS or getattr(
            ref.model, "scope_follows", None
        ) == ref.field.name
        if follows and _has_field(ref.model, "scope_path"):
            ref.rows(keep).exclude(scope_path=keep.scope_path).update(scope_path=keep.scope_path)
    current = HouseholdMember.objects.filter(resident=keep, until__isnull=True).values("household_id")
    for household in Household.objects.filter(head=keep).exclude(pk__in=current):
        household.head = None
        household.save(update_fields=["head", "updated_at"])
        report.count("ended", "registry.household.head")


@transaction.atomic
def merge(*, actor, keep: Resident, drop: Resident, today: dt.date | None = None) -> MergeReport:
    """Fold ``drop`` into ``keep``. Needs "change" on both records."""
    if keep.pk == drop.pk:
        raise ValidationError({"drop": _("A record cannot be merged into itself.")})
    locked = {r.pk: r for r in Resident.objects.select_for_update().filter(pk__in=[keep.pk, drop.pk]).order_by("pk")}
    if len(locked) != 2:
        raise ValidationError({"drop": _("One of these records no longer exists.")})
    keep, drop = locked[keep.pk], locked[drop.pk]
    require(actor, Action.CHANGE, keep)
    require(actor, Action.CHANGE, drop)
    if keep.merged_into_id or drop.merged_into_id:
        raise ValidationError({"drop": _("One of these records has already been merged into another.")})
    _check_same_person(keep, drop)
    today = today or dates.today()
    before_keep, before_drop = audit.snapshot(keep), audit.snapshot(drop)
    report = MergeReport(keep=keep, drop=drop)

    _move_references(keep, drop, today, report)
    _copy_missing(keep, drop, report)
    drop.merged_into, drop.is_active = keep, False
    drop.save(update_fields=["merged_into", "is_active", "updated_at"])  # frees drop's ID number for keep
    keep.full_clean()
    keep.save()
    _repair_registry(keep, report)

    note = report.note()
    audit.record(
        actor=actor,
        action="merge",
        obj=keep,
        before=before_keep,
        after=audit.snapshot(keep),
        note=note + (f"; deleted rows: {report.deleted}" if report.deleted else ""),
    )
    audit.record(actor=actor, action="merge", obj=drop, before=before_drop, after=audit.snapshot(drop), note=note)
    return report


def may_merge(user, keep: Resident, drop: Resident) -> bool:
    return can(user, Action.CHANGE, keep) and can(user, Action.CHANGE, drop)
