"""Forms of the deliberation pages: they parse input; place codes and records are looked up in the user's scope,
the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, BoundedDateField

from .models import Kind, Seat
from .models.meeting import INTERVALS

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class MeetingForm(forms.Form):
    compound = forms.CharField(
        label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)), help_text=_("Type the compound's name.")
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices, initial=Kind.TRIPARTITE)
    title = forms.CharField(label=_("Title"), max_length=100, help_text=_("E.g. 怡心花园十二月三方议事."))
    scheduled_on = BoundedDateField(family=EVENT, label=_("Day"), widget=DATE)
    address = forms.CharField(label=_("Where"), max_length=100, required=False)


class SeatForm(forms.Form):
    seat = forms.ChoiceField(label=_("Seat"), choices=Seat.choices)
    name = forms.CharField(label=_("Name"), max_length=50)


class AgendaForm(forms.Form):
    matter = forms.ModelChoiceField(label=_("Matter"), queryset=None, required=False)
    title = forms.CharField(label=_("Or a free item"), max_length=100, required=False)

    def __init__(self, *args, matters, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["matter"].queryset = matters


class HoldForm(forms.Form):
    held_on = BoundedDateField(family=EVENT, label=_("Held on"), widget=DATE)
    minutes = forms.CharField(label=_("Minutes"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class ToVoteForm(forms.Form):
    matter_type = forms.TypedChoiceField(label=_("Matter (民法典 第278条)"), coerce=int, choices=())

    def __init__(self, *args, **kwargs):
        from linli.votes.models import MatterType

        super().__init__(*args, **kwargs)
        self.fields["matter_type"].choices = MatterType.choices


class DecisionForm(forms.Form):
    decision = forms.CharField(label=_("Decision"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class RhythmForm(forms.Form):
    compound = forms.CharField(label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)))
    kind = forms.ChoiceField(label=_("Kind"), choices=Kind.choices)
    interval_months = forms.TypedChoiceField(
        label=_("Every (months)"), coerce=int, choices=[(n, n) for n in INTERVALS], initial=1
    )
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)


class MatterForm(forms.Form):
    place = forms.CharField(
        label=_("Compound or place"),
        max_length=24,
        widget=PlacePicker(levels=(4, 5, 6, 7)),
        help_text=_("The compound, or the building or house the matter is about."),
    )
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("What is it about"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 4})
    )


class ReportForm(forms.Form):
    """The resident's phone form: two fields, large text; the place is their home."""

    title = forms.CharField(label=_("In one sentence"), max_length=100)
    description = forms.CharField(
        label=_("Tell us more"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5, "class": "large"})
    )


class SolveForm(forms.Form):
    meeting = forms.ModelChoiceField(label=_("At the meeting"), queryset=None)
    resolution = forms.CharField(label=_("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, meetings, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["meeting"].queryset = meetings
