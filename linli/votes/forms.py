from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, BoundedDateField

from .models import Choice, MatterType


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": "image/*,application/pdf"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(d, initial) for d in data]
        return super().clean(data, initial)


class DecisionForm(forms.Form):
    compound = forms.CharField(
        label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)), help_text=_("Type the compound's name.")
    )
    matter_type = forms.TypedChoiceField(label=_("Matter (民法典 第278条)"), coerce=int, choices=MatterType.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    text = forms.CharField(label=_("Text put to the owners"), max_length=8000, widget=forms.Textarea(attrs={"rows": 6}))
    attachments = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("The plan, quotes, the draft rules: images or PDF."),
    )


class NoticeForm(forms.Form):
    opens_on = BoundedDateField(
        family=EVENT, label=_("Voting opens on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )
    closes_on = BoundedDateField(
        family=EVENT, label=_("Voting closes on"), widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
    )


class PaperBallotForm(forms.Form):
    unit = forms.TypedChoiceField(label=_("Property unit"), coerce=int, choices=())
    choice = forms.ChoiceField(label=_("Choice"), choices=Choice.choices, widget=forms.RadioSelect)
    scan = forms.FileField(
        label=_("Scan of the signed ballot"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/*,application/pdf"}),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].choices = [(u.pk, u.label) for u in units]


class ReceiptForm(forms.Form):
    code = forms.CharField(
        label=_("Receipt code"), max_length=20, help_text=_("As shown when you voted, e.g. ABCD-EFGH-JKMN.")
    )
