"""Forms of the selection pages: they parse input; places, residents and households are looked up in the user's
scope (pickers, never typed codes), the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, BoundedDateField
from linli.registry.pickers import HouseholdPicker, ResidentChoiceField

from .models import Kind

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class SelectionForm(forms.Form):
    place = forms.CharField(
        label=_("Community or compound"),
        max_length=24,
        widget=PlacePicker(levels=(3, 4)),
        help_text=_("Type the community's or compound's name."),
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    title = forms.CharField(
        label=pgettext_lazy("selections", "Title"), max_length=100, help_text=_("E.g. 雨秀社区2026年度好家庭评选.")
    )
    period = forms.CharField(label=pgettext_lazy("selections", "Period"), max_length=20)
    rules = forms.CharField(
        label=pgettext_lazy("selections", "Rules"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    seats = forms.IntegerField(label=_("Number of winners"), min_value=1, max_value=50, initial=3)
    nominate_from = BoundedDateField(family=EVENT, label=_("Nominations open"), widget=DATE)
    nominate_until = BoundedDateField(family=EVENT, label=_("Nominations close"), widget=DATE)
    vote_from = BoundedDateField(family=EVENT, label=_("Voting opens"), widget=DATE)
    vote_until = BoundedDateField(family=EVENT, label=_("Voting closes"), widget=DATE)
    publicity_days = forms.IntegerField(label=_("Public notice (days)"), min_value=3, max_value=30, initial=7)


REASON = forms.CharField(label=_("Why"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))


class StaffNominationForm(forms.Form):
    """The nominee field depends on the selection's kind: a resident, a household or a building."""

    resident = ResidentChoiceField(label=_("Resident"), required=False)
    household = forms.CharField(label=_("Household"), max_length=32, required=False, widget=HouseholdPicker())
    building = forms.CharField(label=_("Building"), max_length=24, required=False, widget=PlacePicker(levels=(5,)))
    reason = REASON

    def __init__(self, *args, nominee_kind: str, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        keep = {"resident": "resident", "household": "household", "building": "building"}[nominee_kind]
        for name in ("resident", "household", "building"):
            if name != keep:
                del self.fields[name]
        self.fields[keep].required = True
        if keep == "resident":
            self.fields["resident"].queryset = residents


class PhoneNominationForm(forms.Form):
    """A resident nominates a neighbour by name and building (the reviewer finds the record), or a building."""

    name = forms.CharField(label=_("Who (name)"), max_length=50)
    building = forms.ChoiceField(label=_("Which building"))
    reason = REASON

    def __init__(self, *args, buildings, with_name: bool, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["building"].choices = [("", "—")] + [(b.code, b.name) for b in buildings]
        if not with_name:
            del self.fields["name"]


class AcceptForm(forms.Form):
    resident = ResidentChoiceField(label=_("Registry record"), required=False)
    household = forms.CharField(label=_("Registry record"), max_length=32, required=False, widget=HouseholdPicker())

    def __init__(self, *args, residents=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].queryset = residents


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300, widget=forms.Textarea(attrs={"rows": 2}))


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Your objection"), max_length=1000, widget=forms.Textarea(attrs={"rows": 3}))
