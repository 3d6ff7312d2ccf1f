from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.core import dates
from linli.core.dates import EVENT, PAST, BoundedDateField, bound_form_dates
from linli.registry.pickers import ResidentChoiceField

from .models import Errand, EventKind, PartnerKind, Visit, VisitKind


class VisitForm(forms.ModelForm):
    needs = forms.CharField(
        label=_("Needs raised (one per line)"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    class Meta:
        model = Visit
        fields = ["kind", "visited_on", "purpose", "findings"]
        widgets = {
            "visited_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "findings": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["visited_on"].initial = dates.today()
        bound_form_dates(self, {"visited_on": PAST})
        self.fields["kind"].choices = VisitKind.choices


class BatchDoneForm(forms.Form):
    """Several entries of the due list done at once: the same date and purpose for each visit."""

    visited_on = forms.DateField(
        label=_("Visited on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        initial=timezone.localdate,
    )
    purpose = forms.CharField(label=_("Purpose"), max_length=200, initial=_("Routine visit"))


class PairingForm(forms.Form):
    partner_kind = forms.ChoiceField(label=_("Paired with"), choices=PartnerKind.choices)
    partner_resident = ResidentChoiceField(label=_("Member"), required=False, only="party")
    partner_org = forms.ModelChoiceField(label=_("Organisation"), queryset=None, required=False)
    since = BoundedDateField(family=EVENT, label=_("Since"), initial=timezone.localdate)
    note = forms.CharField(label=_("What help is agreed"), max_length=200, required=False)

    def __init__(self, *args, members=None, orgs=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner_resident"].queryset = members
        self.fields["partner_org"].queryset = orgs


class CareEventForm(forms.Form):
    kind = forms.ChoiceField(label=_("Event"), choices=EventKind.choices)
    occurred_on = BoundedDateField(family=PAST, label=_("Date"), initial=timezone.localdate)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class ErrandForm(forms.ModelForm):
    class Meta:
        model = Errand
        fields = ["matter", "handled_on", "outcome", "note"]
        widgets = {"handled_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        bound_form_dates(self, {"handled_on": PAST})


class CaseForm(forms.Form):
    category = forms.ChoiceField(label=_("Work-order category"))

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = list(categories)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    days = forms.IntegerField(label=_("Days"), min_value=1, max_value=366)
    starts_on = forms.DateField(
        label=_("Counted from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text=_("Nobody is due before this date plus the days."),
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
