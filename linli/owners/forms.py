"""Forms of the owners' committee pages: they parse input; lookups are scoped, the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Level, Place
from linli.core.permissions import Action, restrict

from .models import Position

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class CommitteeForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=100, help_text=_("E.g. 怡心花园业主委员会."))
    term_start = forms.DateField(label=_("Term start"), widget=DATE)
    term_end = forms.DateField(label=_("Term end"), widget=DATE, help_text=_("At most 5 years after the start."))
    filed_on = forms.DateField(label=_("Filed with the street on"), widget=DATE, required=False,
                               help_text=_("备案: leave empty until the street office has registered it."))
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
    resident = forms.TypedChoiceField(label=_("Resident of the compound"), required=False, coerce=int,
                                      empty_value=None)
    resident_id = forms.IntegerField(label=_("Or resident record number"), required=False, min_value=1,
                                     max_value=2**31 - 1,
                                     help_text=_("For a resident of the community living outside the compound: "
                                                 "the number on the resident's page in the data centre."))
    position = forms.ChoiceField(label=_("Position"), choices=Position.choices, initial=Position.MEMBER)
    since = forms.DateField(label=_("Since"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, residents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["resident"].choices = [("", "—"), *[(r.pk, f"{r.name} · {r.address or r.pk}")
                                                        for r in residents]]

    def clean(self):
        data = super().clean()
        picked, typed = data.get("resident"), data.get("resident_id")
        if picked and typed and picked != typed:
            raise forms.ValidationError(_("Choose the resident from the list or enter a record number, not both."))
        if not picked and not typed and "resident_id" not in self.errors:
            self.add_error("resident", _("Choose the resident."))
        data["resident_pk"] = picked or typed
        return data


class SeatEndForm(forms.Form):
    until = forms.DateField(label=_("Until"), widget=DATE, initial=timezone.localdate)
