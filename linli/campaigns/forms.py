"""Forms of the campaign pages: they parse input; places and accounts are picked (never typed codes) and looked up in
the user's scope, the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.pickers import UserPicker
from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, BoundedDateField

from .models import Targeting

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CampaignForm(forms.Form):
    owner = forms.CharField(
        label=_("District or street"),
        max_length=24,
        widget=PlacePicker(levels=(1, 2)),
        help_text=_("Type the name of the district or street that runs the campaign."),
    )
    title = forms.CharField(label=_("Title"), max_length=100, help_text=_("E.g. 2026年“4+8+N”物业领域专项整治."))
    targeting = forms.ChoiceField(label=_("Target compounds"), choices=Targeting.choices, initial=Targeting.ALL)
    starts_on = BoundedDateField(family=EVENT, label=_("Starts on"), widget=DATE)
    ends_on = BoundedDateField(family=EVENT, label=_("Ends on"), widget=DATE)
    description = forms.CharField(label=_("Description"), max_length=4000, required=False, widget=forms.Textarea)


class ThemeForm(forms.Form):
    name = forms.CharField(label=_("Theme"), max_length=60, help_text=_("E.g. 飞线充电, 消防栓无水, 电梯安全."))
    category = forms.ModelChoiceField(
        label=_("Work-order category"),
        queryset=None,
        required=False,
        help_text=_("The findings of this theme become work orders of this category."),
    )
    items = forms.CharField(
        label=_("Checklist"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One check a line."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.workorders.models import Category

        self.fields["category"].queryset = Category.objects.filter(is_active=True).select_related("parent")


class KeyTargetForm(forms.Form):
    compound = forms.CharField(label=_("Key compound (包保)"), max_length=24, widget=PlacePicker(levels=(4,)))
    leader = forms.CharField(label=_("Leader"), max_length=150, widget=UserPicker())


class StartForm(forms.Form):
    """The first step of an inspection: which compound, which theme (both chosen from the campaign's lists)."""

    compound = forms.ChoiceField(label=_("Compound"))
    theme = forms.ChoiceField(label=_("Theme"))

    def __init__(self, *args, targets=(), themes=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["compound"].choices = [("", "—")] + [(t.compound_id, t.compound.name) for t in targets]
        self.fields["theme"].choices = [("", "—")] + [(t.pk, t.name) for t in themes]


class CaseForm(forms.Form):
    description = forms.CharField(
        label=_("Description"),
        max_length=4000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Empty: what the inspector wrote."),
    )
