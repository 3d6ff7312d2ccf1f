"""Forms of the owners' committee pages: they parse input; lookups are scoped, the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Level, Place
from linli.core.dates import EVENT, BoundedDateField
from linli.core.permissions import Action, restrict
from linli.registry.pickers import ResidentChoiceField

from .models import Position

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("E.g. 怡心花园业主委员会."))
    term_start = BoundedDateField(family=EVENT, label=_("Term start"), widget=DATE)
    term_end = BoundedDateField(
        family=EVENT, label=_("Term end"), widget=DATE, help_text=_("At most 5 years after the start.")
    )
    filed_on = BoundedDateField(
        family=EVENT,
        label=_("Filed with the street on"),
        widget=DATE,
        required=False,
        help_text=_("备案: leave empty until the street office has registered it."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class CommitteeCreateForm(CommitteeForm):
    compound = forms.ModelChoiceField(label=_("Compound"), queryset=Place.objects.none())
    field_order = ["compound", "name", "term_start", "term_end", "filed_on", "is_active"]

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        qs = restrict(Place.objects.filter(level=Level.COMPOUND, is_active=True), user, Action.VIEW)
        self.fields["compound"].queryset = qs.select_related("parent").order_by("path")
        self.fields["compound"].label_from_instance = lambda p: f"{p.parent.name} · {p.name}"


class SeatForm(forms.Form):
    resident = ResidentChoiceField(
        label=_("Resident"),
        help_text=_(
            "An owner of a house in the compound (业主, by the data centre's ownership records); type a name, pinyin "
            "initials or an address to search."
        ),
    )
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices, initial=Position.MEMBER)
    since = BoundedDateField(family=EVENT, label=_("Since"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, residents, **kwargs):
        """``residents``: the residents the user may see (``registry.selectors.residents``); nobody else."""
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents


class SeatEndForm(forms.Form):
    until = BoundedDateField(family=EVENT, label=_("Until"), widget=DATE, initial=timezone.localdate)
