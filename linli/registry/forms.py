"""Forms of the data-centre pages: they parse input; lookups go through selectors, writes through services.

Personal numbers are write-only here: the edit form never shows the stored ID or phone (an empty field keeps
what is stored), so a full number never reaches a page through a form either.
"""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, PAST, BoundedDateField

from .models import Education, Gender, IdType, PoliticalStatus, Relation, ResidenceStatus
from .pickers import HousePicker, ResidentPicker, label_for_resident
from .selectors import AGE_BANDS

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _code_field(label, required=False, help_text="", widget=None):
    """A place code, chosen with a picker (the value submitted is still the code, checked against the scope)."""
    return forms.CharField(
        label=label, max_length=24, required=required, help_text=help_text, widget=widget or PlacePicker()
    )


def clean_code(value: str) -> str:
    code = (value or "").strip()
    if code and not code.isdigit():
        raise ValidationError(_("A place code has digits only."))
    return code


class ResidentFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name, pinyin initials, last 4 digits, address")}
        ),
    )
    place = _code_field(_("Within"))
    tag = forms.ChoiceField(label=_("Care group"), required=False)
    age = forms.ChoiceField(label=_("Age"), required=False, choices=[("", _("All ages")), *[(k, k) for k in AGE_BANDS]])
    age_min = forms.IntegerField(label=_("Age from"), required=False, min_value=0, max_value=150)
    age_max = forms.IntegerField(label=_("Age to"), required=False, min_value=0, max_value=150)
    status = forms.ChoiceField(
        label=_("Residence status"), required=False, choices=[("", _("All")), *ResidenceStatus.choices]
    )
    inactive = forms.BooleanField(label=_("Include inactive records"), required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["tag"].choices = [("", _("All care groups")), *[(t.code, t.name) for t in tags]]

    def clean_place(self):
        return clean_code(self.cleaned_data.get("place"))

    def clean(self):
        data = super().clean()
        low, high = data.get("age_min"), data.get("age_max")
        band = data.get("age")
        if band and (low is None and high is None):
            data["age_min"], data["age_max"] = AGE_BANDS[band]
        elif low is not None and high is not None and low > high:
            self.add_error("age_max", _("The upper age is below the lower one."))
        return data


class ResidentForm(forms.Form):
    """Create (``creating=True``) or edit a resident. The ID number and phone are never pre-filled."""

    name = forms.CharField(label=_("Name"), max_length=50)
    gender = forms.ChoiceField(
        label=_("Gender"),
        choices=Gender.choices,
        initial=Gender.UNKNOWN,
        help_text=_("Taken from the ID card number when one is given."),
    )
    birth_date = BoundedDateField(label=_("Birth date"), required=False, widget=DATE_INPUT, family=PAST)
    id_type = forms.ChoiceField(
        label=_("ID document type"), required=False, choices=[("", "—"), *IdType.choices], initial=IdType.ID_CARD
    )
    id_number = forms.CharField(
        label=_("ID number"), max_length=30, required=False, widget=forms.TextInput(attrs={"autocomplete": "off"})
    )
    phone = forms.CharField(
        label=_("Phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "tel"}),
    )
    ethnicity = forms.CharField(label=_("Ethnicity"), max_length=20, required=False)
    political_status = forms.ChoiceField(
        label=_("Political status"), choices=PoliticalStatus.choices, initial=PoliticalStatus.MASSES
    )
    residence_status = forms.ChoiceField(
        label=_("Residence status"), choices=ResidenceStatus.choices, initial=ResidenceStatus.PERMANENT
    )
    employer = forms.CharField(label=_("Employer"), max_length=100, required=False)
    education = forms.ChoiceField(label=_("Education"), required=False, choices=[("", "—"), *Education.choices])
    home = _code_field(
        _("Home"),
        widget=HousePicker(),
        help_text=_("The house the person lives in. Leave empty to register them under a community."),
    )
    registered_at = _code_field(
        _("Registered at (community)"), widget=PlacePicker(levels=(3,)), help_text=_("Only when no house is given.")
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    PLAIN = (
        "name",
        "gender",
        "birth_date",
        "ethnicity",
        "political_status",
        "residence_status",
        "employer",
        "education",
        "notes",
    )

    def __init__(self, *args, instance=None, **kwargs):
        self.instance = instance
        if instance is not None:
            own = {name: getattr(instance, name) for name in self.PLAIN}
            own["id_type"] = instance.id_type
            own["home"] = instance.home.code if instance.home_id else ""
            kwargs["initial"] = {**own, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["registered_at"]
            keep = _("Leave empty to keep the stored number (%(masked)s).")
            self.fields["id_number"].help_text = keep % {"masked": instance.id_masked or "—"}
            self.fields["phone"].help_text = keep % {"masked": instance.phone_masked or "—"}
            self.fields["home"].help_text = _("Change it to move the record to another house.")

    def clean_home(self):
        return clean_code(self.cleaned_data.get("home"))

    def clean_registered_at(self):
        return clean_code(self.cleaned_data.get("registered_at"))

    def clean(self):
        data = super().clean()
        if (
            self.instance is None
            and not data.get("home")
            and not data.get("registered_at")
            and "home" not in self.errors
        ):
            self.add_error("home", _("Give the house the person lives in, or the community registering them."))
        return data

    def plain_data(self) -> dict:
        return {k: self.cleaned_data[k] for k in self.PLAIN}


class TagAssignForm(forms.Form):
    tag = forms.ChoiceField(label=_("Care group"))
    since = BoundedDateField(label=_("Since"), widget=DATE_INPUT, initial=timezone.localdate, family=EVENT)
    until = BoundedDateField(label=_("Until"), required=False, widget=DATE_INPUT, family=EVENT)
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args, tags=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.tags = {t.code: t for t in tags}
        self.fields["tag"].choices = [("", "—"), *[(t.code, t.name) for t in tags]]


class EndForm(forms.Form):
    """End a membership, a care group or an occupancy on a date."""

    until = BoundedDateField(label=_("Date"), widget=DATE_INPUT, initial=timezone.localdate, family=EVENT)


class RevealForm(forms.Form):
    field = forms.ChoiceField(choices=[("id_number", _("ID number")), ("phone", _("Phone"))])
    purpose = forms.CharField(label=_("Purpose"), max_length=200, required=False)


class HouseholdFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Household number, head, address")}),
    )
    place = _code_field(_("Within"))
    no_head = forms.BooleanField(label=_("Without a head only"), required=False)

    def clean_place(self):
        return clean_code(self.cleaned_data.get("place"))


class ResidentRefField(forms.CharField):
    """A resident's record number, picked by searching for the person (the view checks it is in scope)."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 12)
        kwargs.setdefault("widget", ResidentPicker(label_for=label_for_resident))
        super().__init__(**kwargs)

    def clean(self, value):
        value = super().clean(value)
        value = (value or "").strip().lstrip("#")
        if value and not value.isdigit():
            raise ValidationError(_("Choose a resident from the list (type a name to search)."))
        return int(value) if value else None


class HouseholdForm(forms.Form):
    house = _code_field(_("House"), required=True, widget=HousePicker())
    head = ResidentRefField(label=_("Head of household"))
    since = BoundedDateField(label=_("Since"), widget=DATE_INPUT, initial=timezone.localdate, family=PAST)
    number = forms.CharField(
        label=_("Household number"),
        max_length=32,
        required=False,
        help_text=_("Optional: leave empty and the next free number is assigned."),
    )

    def clean_house(self):
        return clean_code(self.cleaned_data.get("house"))


class MoveInForm(forms.Form):
    resident = ResidentRefField(label=_("Resident"))
    relation = forms.ChoiceField(label=_("Relation to head"), choices=Relation.choices, initial=Relation.CHILD)
    since = BoundedDateField(label=_("Moved in"), widget=DATE_INPUT, initial=timezone.localdate, family=PAST)
