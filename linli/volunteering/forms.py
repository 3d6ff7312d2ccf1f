"""Forms of the volunteering pages: they parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from linli.areas.models import Place
from linli.core.dates import EVENT, FILTER, BoundedDateField, BoundedDateTimeField
from linli.core.permissions import Action, restrict

from .models import (
    AchievementKind,
    ActivityKind,
    Availability,
    ContactPreference,
    DutyKind,
    Skill,
    Team,
    TeamKind,
    Volunteer,
)

DATE = forms.DateInput(attrs={"type": "date"})
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class SkillsField(forms.MultipleChoiceField):
    def __init__(self, **kwargs):
        super().__init__(choices=Skill.choices, widget=forms.CheckboxSelectMultiple, required=False, **kwargs)


class SelfRegisterForm(forms.Form):
    skills = SkillsField(label=_("Skills"))
    skills_note = forms.CharField(label=_("Other skills"), max_length=200, required=False)
    availability = forms.ChoiceField(label=_("Available time"), choices=Availability.choices)
    contact_preference = forms.ChoiceField(
        label=_("Contact by"),
        choices=ContactPreference.choices,
        help_text=_("Phone and text use the number on your resident record; nothing is copied."),
    )


class StaffRegisterForm(SelfRegisterForm):
    resident = forms.ModelChoiceField(label=_("Resident"), queryset=None)

    field_order = ["resident", "skills", "skills_note", "availability", "contact_preference"]

    def __init__(self, *args, user, q: str = "", **kwargs):
        super().__init__(*args, **kwargs)
        from linli.registry.models import Resident

        qs = (
            restrict(Resident.objects.active(), user, Action.VIEW).filter(volunteer__isnull=True).order_by("name", "pk")
        )
        if q:
            qs = qs.filter(name__icontains=q[:30])
        self.fields["resident"].queryset = qs
        self.fields["resident"].label_from_instance = lambda r: f"{r.name} · {r.id_masked or '—'} · {r.address}"
        if not self.is_bound:  # keep the select short; search narrows it
            self.fields["resident"].queryset = qs[:100] if not q else qs[:200]


class ActivityForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Place.objects.none())
    kind = forms.ChoiceField(label=_("Kind"), choices=ActivityKind.choices)
    title = forms.CharField(label=_("Title"), max_length=100)
    content = forms.CharField(label=_("Service content"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    location = forms.CharField(label=_("Where exactly"), max_length=200, required=False)
    starts_at = BoundedDateTimeField(family=EVENT, label=_("Starts at"), widget=DATETIME)
    ends_at = BoundedDateTimeField(family=EVENT, label=_("Ends at"), widget=DATETIME)
    signup_closes_at = BoundedDateTimeField(family=EVENT, label=_("Sign-up closes at"), widget=DATETIME, required=False)
    slots = forms.IntegerField(label=pgettext_lazy("volunteering", "Places"), min_value=1, max_value=1000)
    skills = SkillsField(label=_("Skills wanted"))
    min_age = forms.IntegerField(label=_("Minimum age"), min_value=14, max_value=120, required=False)
    max_age = forms.IntegerField(label=_("Maximum age"), min_value=14, max_value=120, required=False)
    is_risky = forms.BooleanField(label=_("Risky task (needs accident insurance)"), required=False)
    insurance_confirmed = forms.BooleanField(label=_("Accident insurance confirmed"), required=False)
    insurance_note = forms.CharField(label=_("Insurance policy"), max_length=200, required=False)
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    organiser_name = forms.CharField(
        label=_("Organising body"), max_length=100, required=False, help_text=_("Leave empty for the community.")
    )
    person_in_charge = forms.CharField(label=_("Person in charge"), max_length=30, required=False)
    contact = forms.CharField(label=_("Contact (office)"), max_length=40, required=False)

    def __init__(self, *args, user, editing: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = restrict(Place.objects.filter(level=3), user, Action.VIEW).order_by("path")
        self.fields["team"].queryset = restrict(Team.objects.filter(is_active=True), user).order_by("name")
        if editing:
            del self.fields["community"]

    def activity_fields(self) -> dict:
        data = {k: v for k, v in self.cleaned_data.items() if k != "community"}
        if not data.get("organiser_name"):
            data.pop("organiser_name", None)
        return data


class TeamForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Place.objects.none())
    name = forms.CharField(label=_("Name"), max_length=60)
    kind = forms.ChoiceField(label=_("Kind"), choices=TeamKind.choices)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["community"].queryset = restrict(Place.objects.filter(level=3), user, Action.VIEW).order_by("path")


class MemberForm(forms.Form):
    number = forms.CharField(label=_("Volunteer number"), max_length=16)
    leader = forms.BooleanField(label=_("Make leader"), required=False)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user

    def clean_number(self):
        number = self.cleaned_data["number"].strip().upper()
        v = restrict(Volunteer.objects.all(), self.user).filter(number=number).first()
        if v is None:
            raise forms.ValidationError(_("No volunteer with this number."))
        return v


class DutyLogForm(forms.Form):
    kind = forms.ChoiceField(label=_("Duty"), choices=DutyKind.choices)
    on = BoundedDateField(family=EVENT, label=_("Date"), widget=DATE)
    findings = forms.CharField(label=_("Findings"), max_length=4000, widget=forms.Textarea(attrs={"rows": 2}))
    actions = forms.CharField(
        label=_("Actions taken"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class AchievementForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=AchievementKind.choices)
    on = BoundedDateField(family=EVENT, label=_("Date"), widget=DATE)
    title = forms.CharField(label=_("Title"), max_length=120)
    issuer = forms.CharField(label=_("Given by"), max_length=100, required=False)
    hours = forms.DecimalField(
        label=_("Training hours"), required=False, min_value=0.5, max_value=500, decimal_places=1
    )


class CertificateForm(forms.Form):
    person_in_charge = forms.CharField(label=_("Person in charge"), max_length=30)
    contact = forms.CharField(label=_("Contact"), max_length=40)
    period_from = BoundedDateField(family=FILTER, label=_("From"), required=False, widget=DATE)
    period_to = BoundedDateField(family=FILTER, label=_("To"), required=False, widget=DATE)


class ConfirmForm(forms.Form):
    hours = forms.DecimalField(label=_("Hours"), required=False, min_value=0, max_value=24, decimal_places=2)


class ThresholdsForm(forms.Form):
    """The star table: hours needed for each level (the service checks the order)."""

    def __init__(self, *args, table, **kwargs):
        super().__init__(*args, **kwargs)
        for level, hours in table:
            self.fields[f"level_{level}"] = forms.DecimalField(
                label=_("★%(level)s: cumulative hours") % {"level": level},
                initial=hours,
                min_value=1,
                max_value=99999,
                decimal_places=1,
            )

    def table(self) -> dict[int, object]:
        return {int(name.removeprefix("level_")): value for name, value in self.cleaned_data.items()}
