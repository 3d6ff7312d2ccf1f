from django import forms
from django.utils.translation import gettext_lazy as _

from linli.core.dates import EVENT, BoundedDateField

from .models import MEETING_KINDS, MINUTES_MAX, Grade, Kind, Status

RESOLUTION_ROWS = 3


class DateInput(forms.DateInput):
    input_type = "date"


class MeetingForm(forms.Form):
    """The fields of a meeting record; attendance, photos and resolutions are read from the request by the view
    (one checklist row per entitled member, several files, a few resolution rows)."""

    held_on = BoundedDateField(family=EVENT, label=_("Date"), widget=DateInput)
    status = forms.ChoiceField(label=_("Status"), choices=Status.choices, initial=Status.HELD)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    address = forms.CharField(label=_("Venue"), max_length=200, required=False)
    lecturer = forms.CharField(label=_("Lecturer / host"), max_length=50, required=False)
    minutes = forms.CharField(
        label=_("Minutes"), required=False, max_length=MINUTES_MAX, widget=forms.Textarea(attrs={"rows": 6})
    )
    counts_for = BoundedDateField(
        family=EVENT,
        label=_("Counts for (make-up, 补开)"),
        required=False,
        widget=DateInput,
        help_text=_("Only for a make-up meeting: a day in the period it was due."),
    )


class KindForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=[(k.value, k.label) for k in MEETING_KINDS])


class ResolutionForm(forms.Form):
    title = forms.CharField(label=_("Resolution"), max_length=200)
    yes = forms.IntegerField(label=_("Yes"), min_value=0, max_value=9999)
    no = forms.IntegerField(label=_("No"), min_value=0, max_value=9999)
    abstain = forms.IntegerField(label=_("Abstain"), min_value=0, max_value=9999)


class TalkForm(forms.Form):
    held_on = BoundedDateField(family=EVENT, label=_("Date"), widget=DateInput)
    member_a = forms.TypedChoiceField(label=_("Member"), coerce=int)
    member_b = forms.TypedChoiceField(label=_("Talked with"), coerce=int)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    note = forms.CharField(label=_("Note"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(m.pk, m.resident.name) for m in members]
        self.fields["member_a"].choices = choices
        self.fields["member_b"].choices = choices


class EvaluationStartForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)


GRADE_CHOICES = [("", "—"), *Grade.choices]
KIND_CHOICES = Kind.choices
