"""Writes to the work-order configuration: the category tree, the time limits, the verdict scale.

District administrators change it (grants in rules.py); every change is validated, saved and audited in one
transaction, so refused input writes nothing. Categories and verdict levels are never deleted — cases point at
them — they are switched off (``is_active``); their codes never change (the API and Open311 clients use them).
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from linli.core import audit
from linli.core.permissions import may_any
from linli.core.services import assign
from linli.orgs.models import Organisation, OrgKind

from ..models import CaseType, Category, TimeLimit, VerdictLevel, VerdictReason

HANDLER_KINDS = (OrgKind.DEPARTMENT, OrgKind.PROPERTY, OrgKind.STATIONED)
CATEGORY_FIELDS = (
    "name",
    "parent",
    "description",
    "keywords",
    "default_handler",
    "handled_by_property",
    "is_public",
    "is_active",
    "sort",
)
TIME_LIMIT_FIELDS = ("case_type", "category", "sign_days", "handle_days")
VERDICT_FIELDS = ("label", "counts_as_satisfied", "reopens", "sort", "is_active")
CODE_RE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
MAX_SIGN_DAYS = 30
MAX_HANDLE_DAYS = 365
MAX_REASONS = 12
KEYWORD_SPLIT = re.compile(r"[,，、;；\n]+")


def _require(actor, action: str, model) -> None:
    if not may_any(actor, model, action):
        raise PermissionDenied(_("Only district administrators may change the work-order settings."))


def _code(value: str, model, max_length: int) -> str:
    code = (value or "").strip().lower()
    if not code:
        raise ValidationError({"code": _("This field is required.")})
    if len(code) > max_length or not CODE_RE.match(code):
        raise ValidationError(
            {"code": _("Lower-case letters, digits and hyphens, at most %(n)s characters.") % {"n": max_length}}
        )
    if model.objects.filter(code=code).exists():
        raise ValidationError({"code": _("This code is taken.")})
    return code


def _integer(field: str, value, low: int, high: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError) as exc:
        raise ValidationError({field: _("Enter a whole number.")}) from exc
    if not low <= number <= high:
        raise ValidationError({field: _("Between %(low)s and %(high)s.") % {"low": low, "high": high}})
    return number


def normalise_keywords(value: str) -> str:
    words = []
    for word in KEYWORD_SPLIT.split(value or ""):
        word = word.strip()
        if word and word not in words:
            words.append(word)
    return ",".join(words)


# --- categories ---------------------------------------------------------------------------------------------


@transaction.atomic
def category_save(*, actor, category: Category | None = None, code: str = "", **data) -> Category:
    """Create a category (``code`` given) or change one. A category is top-level or the child of a top-level
    one (two levels, as the time limits and the filters read them); its default handler is an active
    department, property company or stationed unit."""
    creating = category is None
    _require(actor, "add" if creating else "change", Category)
    if creating:
        obj = Category(code=_code(code, Category, 40))
        before = None
    else:
        obj = Category.objects.select_for_update().get(pk=category.pk)
        if code and code != obj.code:
            raise ValidationError({"code": _("The code cannot change: cases and Open311 clients use it.")})
        before = audit.snapshot(obj)
    assign(obj, data, CATEGORY_FIELDS)
    obj.name = (obj.name or "").strip()
    obj.description = (obj.description or "").strip()
    obj.keywords = normalise_keywords(obj.keywords)
    parent = obj.parent
    if parent is not None:
        if obj.pk and parent.pk == obj.pk:
            raise ValidationError({"parent": _("A category cannot be its own parent.")})
        if parent.parent_id:
            raise ValidationError({"parent": _("Choose a top-level category: categories have two levels.")})
        if obj.pk and obj.children.exists():
            raise ValidationError({"parent": _("This category has subcategories, so it stays at the top level.")})
    handler = obj.default_handler
    if handler is not None and (not handler.is_active or handler.kind not in HANDLER_KINDS):
        raise ValidationError(
            {"default_handler": _("Choose an active department, property company or stationed unit.")}
        )
    obj.sort = _integer("sort", obj.sort, 0, 32767)
    obj.full_clean(exclude=["parent", "default_handler"])
    obj.save()
    audit.record(
        actor=actor, action="create" if creating else "update", obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


# --- time limits --------------------------------------------------------------------------------------------


@transaction.atomic
def time_limit_save(*, actor, limit: TimeLimit | None = None, **data) -> TimeLimit:
    """Create or change a rule: sign within ``sign_days`` (0 = the same day) and handle within ``handle_days``
    working days, for a case type and/or a category (blank: any). One rule per type and category."""
    creating = limit is None
    _require(actor, "add" if creating else "change", TimeLimit)
    obj = TimeLimit() if creating else TimeLimit.objects.select_for_update().get(pk=limit.pk)
    before = None if creating else audit.snapshot(obj)
    if (
        not creating
        and obj.case_type == ""
        and obj.category_id is None
        and (data.get("case_type", "") != "" or data.get("category") is not None)
    ):
        raise ValidationError(
            {"case_type": _("The default rule (any type, any category) stays; change its days instead.")}
        )
    assign(obj, data, TIME_LIMIT_FIELDS)
    obj.case_type = obj.case_type or ""
    if obj.case_type not in CaseType.values and obj.case_type != "":
        raise ValidationError({"case_type": _("Unknown case type.")})
    obj.sign_days = _integer("sign_days", obj.sign_days, 0, MAX_SIGN_DAYS)
    obj.handle_days = _integer("handle_days", obj.handle_days, 1, MAX_HANDLE_DAYS)
    if obj.sign_days > obj.handle_days:
        raise ValidationError({"sign_days": _("Signing cannot take longer than handling.")})
    clash = TimeLimit.objects.filter(case_type=obj.case_type, category=obj.category).exclude(pk=obj.pk)
    if clash.exists():
        raise ValidationError({"category": _("There is already a rule for this type and category; change that one.")})
    obj.full_clean(exclude=["category"], validate_unique=False)
    obj.save()
    audit.record(
        actor=actor, action="create" if creating else "update", obj=obj, before=before, after=audit.snapshot(obj)
    )
    return obj


@transaction.atomic
def time_limit_delete(*, actor, limit: TimeLimit) -> None:
    _require(actor, "delete", TimeLimit)
    obj = TimeLimit.objects.select_for_update().get(pk=limit.pk)
    if obj.case_type == "" and obj.category_id is None:
        raise ValidationError(
            {"case_type": _("The default rule (any type, any category) cannot be deleted; change its days instead.")}
        )
    before = audit.snapshot(obj)
    pk, text = obj.pk, str(obj)
    obj.delete()
    audit.record(
        actor=actor,
        action="delete",
        object_type="workorders.timelimit",
        object_id=str(pk),
        object_repr=text,
        before=before,
    )


# --- the verdict scale ----------------------------------------------------------------------------------------


def _reasons(values: Iterable[str]) -> list[str]:
    reasons = []
    for value in values or ():
        text = str(value).strip()
        if not text or text in reasons:
            continue
        if len(text) > 40:
            raise ValidationError(
                {"reasons": _("Each reason at most %(n)s characters: %(text)s") % {"n": 40, "text": text[:40] + "…"}}
            )
        reasons.append(text)
    if len(reasons) > MAX_REASONS:
        raise ValidationError({"reasons": _("At most %(n)s reasons.") % {"n": MAX_REASONS}})
    return reasons


def _with_reasons(level: VerdictLevel) -> dict:
    return {
        **audit.snapshot(level),
        "reasons": list(level.reasons.order_by("sort", "pk").values_list("text", flat=True)),
    }


@transaction.atomic
def verdict_level_save(
    *, actor, level: VerdictLevel | None = None, code: str = "", reasons=None, **data
) -> VerdictLevel:
    """Create or change a step of the satisfaction scale with its reason chips (``reasons``: the texts in
    order; None leaves them as they are). A level that reopens (发回重办) cannot count as satisfied, and at least
    one active level must count as satisfied."""
    creating = level is None
    _require(actor, "add" if creating else "change", VerdictLevel)
    if creating:
        obj = VerdictLevel(code=_code(code, VerdictLevel, 20))
        before = None
    else:
        obj = VerdictLevel.objects.select_for_update().get(pk=level.pk)
        if code and code != obj.code:
            raise ValidationError({"code": _("The code cannot change: cases and API clients use it.")})
        before = _with_reasons(obj)
    assign(obj, data, VERDICT_FIELDS)
    obj.label = (obj.label or "").strip()
    obj.sort = _integer("sort", obj.sort, 0, 32767)
    if obj.reopens and obj.counts_as_satisfied:
        raise ValidationError({"reopens": _("A verdict that sends the case back cannot count as satisfied.")})
    others = VerdictLevel.objects.filter(is_active=True, counts_as_satisfied=True).exclude(pk=obj.pk)
    if not (obj.is_active and obj.counts_as_satisfied) and not others.exists():
        raise ValidationError({"counts_as_satisfied": _("At least one active verdict must count as satisfied.")})
    texts = _reasons(reasons) if reasons is not None else None
    obj.full_clean(validate_unique=False)
    obj.save()
    if texts is not None:
        existing = {r.text: r for r in obj.reasons.all()}
        obj.reasons.exclude(text__in=texts).delete()
        for sort, text in enumerate(texts):
            reason = existing.get(text)
            if reason is None:
                VerdictReason.objects.create(level=obj, text=text, sort=sort)
            elif reason.sort != sort:
                VerdictReason.objects.filter(pk=reason.pk).update(sort=sort)
    audit.record(
        actor=actor, action="create" if creating else "update", obj=obj, before=before, after=_with_reasons(obj)
    )
    return obj


def handler_choices() -> list[Organisation]:
    return list(Organisation.objects.filter(is_active=True, kind__in=HANDLER_KINDS).order_by("kind", "name"))
