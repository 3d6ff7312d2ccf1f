"""Choosing a resident or a house by searching (name, pinyin initials, last four digits, address), never by
record number or 24-digit house code: the widgets and their endpoints ``registry:pick_residents`` and
``registry:pick_houses``, both on ``registry.search`` and so through ``restrict``.

Each option tells two people of the same name apart without the full ID: birth year, the home under its
community and the last four characters of the masked ID.
"""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.cache import never_cache

from linli.areas.models import Level, Place
from linli.areas.pickers import (
    LIMIT,
    RELATED,
    PlacePicker,
    place_label,
    place_option,
    render_options,
    search_places,
)
from linli.core.permissions import restrict
from linli.core.widgets import Option, Picker

from .models import Household, HouseholdMember, PoliticalStatus, Resident
from .search import search_q, search_residents

PARTY_STATUSES = (PoliticalStatus.CPC_MEMBER, PoliticalStatus.CPC_PROBATIONARY)
# the narrowing a form may ask of the resident endpoint (``?only=party``): named, never a raw filter
ONLY = {"party": Q(political_status__in=PARTY_STATUSES)}


def short_address(address: str) -> str:
    """The address below the community (怡心花园 3栋 1单元 101): district, street and community dropped."""
    words = (address or "").split()
    return " ".join(words[3:]) if len(words) > 3 else " ".join(words)


def resident_label(name: str, birth_date=None, address: str = "", id_masked: str = "") -> str:
    parts = [name]
    if birth_date:
        parts.append(_("born %(year)s") % {"year": birth_date.year})
    if address:
        parts.append(short_address(address))
    if id_masked:
        parts.append(_("ID …%(tail)s") % {"tail": id_masked[-4:]})
    return " · ".join(parts)


def resident_option(hit) -> Option:
    return Option(str(hit.id), resident_label(hit.name, hit.birth_date, hit.address, hit.id_masked))


def label_for_resident(pk) -> str:
    """The text for a resident id the server put in the form (an initial value)."""
    r = (
        Resident.objects.filter(pk=pk).only("name", "birth_date", "address", "id_masked").first()
        if str(pk).isdigit()
        else None
    )
    return resident_label(r.name, r.birth_date, r.address, r.id_masked) if r is not None else ""


class ResidentPicker(Picker):
    """A resident field's widget; ``only="party"`` lists party members only. Under a ``ResidentChoiceField``
    the label of a value comes from the field's scoped queryset; elsewhere pass ``label_for``."""

    def __init__(self, *, only: str = "", placeholder: str = "", **kwargs):
        if only and only not in ONLY:
            raise ValueError(f"unknown resident filter {only!r}")
        super().__init__(
            "registry:pick_residents",
            params={"only": only} if only else None,
            placeholder=placeholder or gettext_lazy("Name, pinyin initials (zsf), address or ID tail"),
            **kwargs,
        )


class ResidentChoiceField(forms.ModelChoiceField):
    """A resident among ``queryset`` (the form scopes it with ``restrict``): anything else is refused."""

    def __init__(self, *, queryset=None, only: str = "", **kwargs):
        kwargs.setdefault("widget", ResidentPicker(only=only))
        kwargs.setdefault(
            "error_messages",
            {"invalid_choice": gettext_lazy("Choose a resident from the list (type a name to search).")},
        )
        super().__init__(queryset=queryset if queryset is not None else Resident.objects.none(), **kwargs)

    def label_from_instance(self, obj):
        return resident_label(obj.name, obj.birth_date, obj.address, obj.id_masked)


class HousePicker(PlacePicker):
    """A house-code field's widget: houses found by their address or by the name of someone living there."""

    def __init__(self, **kwargs):
        super().__init__(
            url_name="registry:pick_houses",
            levels=(Level.HOUSE,),
            placeholder=gettext_lazy("Address (怡心花园 3栋 101) or a resident's name"),
            **kwargs,
        )


@never_cache
@login_required
def pick_residents(request):
    q = (request.GET.get("q") or "")[:60]
    hits = search_residents(request.user, q, limit=LIMIT, extra=ONLY.get(request.GET.get("only", "")))
    return render_options(request, [resident_option(h) for h in hits], q)


@never_cache
@login_required
def pick_houses(request):
    """Houses whose address matches, then the homes of residents whose name (pinyin, ID tail…) matches."""
    q = (request.GET.get("q") or "")[:60]
    options = [place_option(p) for p in search_places(request.user, q, levels=(Level.HOUSE,))]
    seen = {o.value for o in options}
    hits = [h for h in search_residents(request.user, q, limit=LIMIT) if h.home_id]
    homes = {
        p.pk: p
        for p in restrict(
            Place.objects.filter(pk__in={h.home_id for h in hits}, is_active=True), request.user
        ).select_related(RELATED)
    }
    for h in hits:
        home = homes.get(h.home_id)
        if home is not None and home.code not in seen and len(options) < LIMIT:
            seen.add(home.code)
            options.append(place_option(home, detail=_("home of %(name)s") % {"name": h.name}))
    return render_options(request, options, q)


def search_households(user, q: str, limit: int = LIMIT) -> list[Household]:
    """Active households ``user`` may see: by a current member (name, pinyin…), the number's start or the house."""
    q = (q or "").strip()
    if not q:
        return []
    hits = Q(number__startswith=q)
    where = search_q(q)
    if where is not None:
        members = HouseholdMember.objects.filter(until__isnull=True, resident__in=Resident.objects.filter(where))
        hits |= Q(pk__in=members.values("household_id"))
    houses = search_places(user, q, levels=(Level.HOUSE,), limit=50)
    if houses:
        hits |= Q(house__in=[p.pk for p in houses])
    qs = restrict(Household.objects.filter(is_active=True), user).filter(hits)
    return list(qs.select_related("head", f"house__{RELATED}").order_by("number")[:limit])


def household_label(household: Household) -> str:
    head = household.head.name if household.head_id else _("no head")
    return f"{head} · {place_label(household.house)}"


def label_for_household(number) -> str:
    h = Household.objects.select_related("head", f"house__{RELATED}").filter(number=str(number)).first()
    return household_label(h) if h is not None else str(number)


class HouseholdPicker(Picker):
    """A household-number field's widget: found by a member's name, the address or the number."""

    def __init__(self, **kwargs):
        super().__init__(
            "registry:pick_households",
            label_for=label_for_household,
            placeholder=gettext_lazy("A member's name, the address or the household number"),
            **kwargs,
        )


@never_cache
@login_required
def pick_households(request):
    q = (request.GET.get("q") or "")[:60]
    options = [
        Option(h.number, household_label(h), _("household number %(n)s") % {"n": h.number})
        for h in search_households(request.user, q)
    ]
    return render_options(request, options, q)
