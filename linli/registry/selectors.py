"""Reads of the data centre for pages, API and exports: always through the permission chokepoint.

Only masked personal numbers leave these functions (the models keep ciphertexts, which no caller
should render; ``services.reveal`` is the only decryption path).

Care groups: a sensitive tag (低保, 残疾人 …) is seen only by the roles listed on it; ``visible_tags_q``
answers which tags a user may see or filter by, ``visible_assignments_q`` which tag rows on which
residents (the role must hold where the resident lives).
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Exists, OuterRef, Prefetch, Q
from django.utils.translation import gettext as _

from linli.areas.models import Place
from linli.areas.selectors import place_by_code
from linli.core import dates
from linli.core.paths import any_subtree_q, subtree_q
from linli.core.permissions import Action, bindings_for, restrict

from .models import CareTag, Household, Occupancy, Resident, ResidentTag
from .models.occupancy import OWNER_KINDS

# age bands offered on the list page (code -> (min, max))
AGE_BANDS = {
    "0-6": (0, 6),
    "7-17": (7, 17),
    "18-59": (18, 59),
    "60-79": (60, 79),
    "80+": (80, None),
}


def resident_of(user) -> Resident | None:
    """The resident record linked to a login (``Resident.account``), or None: anonymous, a login without a record
    (most staff), or no user at all. The one place that answers "who is this login as a resident"; it reads the
    link itself, not through ``restrict`` — everyone may know their own record."""
    if user is None or not getattr(user, "is_authenticated", False):
        return None
    try:
        return user.resident
    except ObjectDoesNotExist:
        return None


def _roles(user) -> set[str]:
    return {str(b.role) for b in bindings_for(user)}


def visible_tags_q(user, prefix: str = "") -> Q:
    """Filter on CareTag (or, with ``prefix="tag__"``, on rows pointing at one) for the tags ``user`` may see."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return Q()
    q = Q(**{f"{prefix}sensitive": False})
    for role in sorted(_roles(user)):
        q |= Q(**{f"{prefix}visible_to__contains": f",{role},"})
    return q


def visible_tags(user, *, include_inactive: bool = False):
    """Care groups ``user`` may see, filter by and assign (menus, filters, forms)."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return CareTag.objects.none()
    qs = CareTag.objects.filter(visible_tags_q(user))
    if not include_inactive:
        qs = qs.filter(is_active=True)
    return qs.order_by("sensitive", "name")


def visible_assignments_q(user, prefix: str = "") -> Q | None:
    """Filter on ResidentTag: non-sensitive tags, or sensitive ones where a binding whose role the tag lists
    covers the row. None = nothing (anonymous). Combine with ``restrict`` for the scope itself."""
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return None
    if user.is_superuser:
        return Q()
    q = Q(**{f"{prefix}tag__sensitive": False})
    for binding in bindings_for(user):
        where = any_subtree_q(f"{prefix}scope_path", ResidentTag.coverage_prefixes(binding))
        if where is not None:
            q |= Q(**{f"{prefix}tag__visible_to__contains": f",{binding.role},"}) & where
    return q


def assignments(user, *, current_only: bool = False, action: str = Action.VIEW):
    """Care-group memberships ``user`` may see (scope and tag visibility)."""
    vis = visible_assignments_q(user)
    if vis is None:
        return ResidentTag.objects.none()
    qs = restrict(ResidentTag.objects.all(), user, action).filter(vis).select_related("tag")
    if current_only:
        qs = qs.filter(_current_q())
    return qs


def _current_q(prefix: str = "") -> Q:
    today = dates.today()
    return Q(**{f"{prefix}until__isnull": True}) | Q(**{f"{prefix}until__gte": today})


def owner_holdings(place: Place, on=None):
    """The owner and co-owner records (业主) of the houses under ``place`` in force on ``on`` (default today):
    begun by that day and not ended before it. A rule's read (who may hold an owners' committee seat), not a
    page's: not restricted to a user — the caller has already been allowed to act on ``place``."""
    on = on or dates.today()
    return Occupancy.objects.filter(subtree_q("scope_path", place.path), kind__in=OWNER_KINDS, since__lte=on).filter(
        Q(until__isnull=True) | Q(until__gte=on)
    )


def resolve_place(user, place) -> Place | None:
    """A Place, or a place code resolved within what ``user`` may see (ValidationError if unknown)."""
    if place is None or place == "":
        return None
    if isinstance(place, Place):
        return place
    return place_by_code(user, str(place), field="place")


def resolve_tag(user, tag) -> CareTag | None:
    """A CareTag or a tag code, among the tags ``user`` may see (ValidationError if unknown or hidden)."""
    if tag is None or tag == "":
        return None
    qs = visible_tags(user, include_inactive=True)
    found = qs.filter(pk=tag.pk).first() if isinstance(tag, CareTag) else qs.filter(code=str(tag).strip()).first()
    if found is None:
        raise ValidationError({"tag": _("Unknown care group.")})
    return found


def search_q(q: str) -> Q | None:
    """Name, pinyin initials (张三丰 → zsf), full-pinyin prefix, last 4 digits of ID or phone, a whole ID
    or phone number (matched by keyed hash, never by plaintext), or an address fragment: ``search.search_q``,
    so the list page and global search read a query the same way."""
    from .search import search_q as _search_q

    return _search_q(q)


def residents(
    user,
    *,
    q: str = "",
    place=None,
    tag=None,
    age_min: int | None = None,
    age_max: int | None = None,
    status: str | None = None,
    include_inactive: bool = False,
    action: str = Action.VIEW,
):
    """Residents ``user`` may ``action``, filtered like the list page.

    ``place``: a Place or place code (everything under it); ``tag``: a CareTag or tag code the user may see
    (current memberships only); ``status``: a residence status. Unknown place or tag raise ValidationError.
    """
    qs = restrict(Resident.objects.all(), user, action).select_related("home")
    if not include_inactive:
        qs = qs.active()
    where = resolve_place(user, place)
    if where is not None:
        qs = qs.filter(**{"scope_path__gte": where.path, "scope_path__lt": where.path + ":"})
    found_tag = resolve_tag(user, tag)
    if found_tag is not None:
        vis = visible_assignments_q(user) or Q(pk__in=[])
        rows = ResidentTag.objects.filter(vis, _current_q(), resident=OuterRef("pk"), tag=found_tag)
        qs = qs.filter(Exists(rows))
    if age_min is not None or age_max is not None:
        qs = qs.aged_between(age_min, age_max)
    if status:
        qs = qs.filter(residence_status=status)
    cond = search_q(q)
    if cond is not None:
        qs = qs.filter(cond)
    return qs.order_by("scope_path", "name", "id")


def with_visible_tags(qs, user, to_attr: str = "visible_tags"):
    """Prefetch each resident's current, visible care groups into ``to_attr`` (one extra query)."""
    vis = visible_assignments_q(user)
    rows = ResidentTag.objects.none() if vis is None else ResidentTag.objects.filter(vis, _current_q())
    return qs.prefetch_related(
        Prefetch("tags", queryset=rows.select_related("tag").order_by("tag__name"), to_attr=to_attr)
    )


def resident_for(user, pk, action: str = Action.VIEW) -> Resident | None:
    return restrict(Resident.objects.all(), user, action).select_related("home").filter(pk=pk).first()


def households(
    user, *, q: str = "", place=None, include_inactive: bool = False, no_head: bool = False, action: str = Action.VIEW
):
    """Households in scope; ``no_head`` keeps only those without a head (无户主: the head moved out or died)."""
    qs = restrict(Household.objects.all(), user, action).select_related("house", "head")
    if not include_inactive:
        qs = qs.filter(is_active=True)
    if no_head:
        qs = qs.filter(head__isnull=True)
    where = resolve_place(user, place)
    if where is not None:
        qs = qs.filter(**{"scope_path__gte": where.path, "scope_path__lt": where.path + ":"})
    q = (q or "").strip()
    if q:
        qs = qs.filter(
            Q(number__icontains=q)
            | Q(head__name__icontains=q)
            | Q(house__address__icontains=q)
            | Q(house__code__startswith=q)
        )
    return qs.order_by("scope_path", "number")


def household_for(user, pk, action: str = Action.VIEW) -> Household | None:
    return restrict(Household.objects.all(), user, action).select_related("house", "head").filter(pk=pk).first()


def members(user, household: Household, *, current_only: bool = False):
    """A household's memberships (with history) that ``user`` may see."""
    qs = restrict(household.memberships.all(), user, Action.VIEW).select_related("resident")
    if current_only:
        qs = qs.filter(until__isnull=True)
    return qs.order_by("until", "since", "id")


__all__ = [
    "AGE_BANDS",
    "assignments",
    "household_for",
    "households",
    "members",
    "resident_for",
    "residents",
    "resolve_place",
    "resolve_tag",
    "search_q",
    "visible_assignments_q",
    "visible_tags",
    "visible_tags_q",
    "with_visible_tags",
]
