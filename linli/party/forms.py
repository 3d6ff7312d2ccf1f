"""Forms of the party pages: they parse input; lookups go through selectors (scoped), writes through services."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, PAST, BoundedDateField
from linli.core.widgets import PickedListField
from linli.registry.pickers import HouseholdPicker, ResidentPicker, label_for_resident

from .models import BranchType, MemberStatus, PartyOrgKind, SeatPosition

DATE_INPUT = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COMMUNITY = (3,)


def code_field(label, required=False, help_text="", levels=()):
    """A place code, chosen with a picker (the value is still the code, checked against the scope)."""
    return forms.CharField(
        label=label, max_length=24, required=required, help_text=help_text, widget=PlacePicker(levels=levels)
    )


def clean_code(value: str) -> str:
    code = (value or "").strip()
    if code and not code.isdigit():
        raise ValidationError(_("A place code has digits only."))
    return code


def date_field(label, required=True, help_text="", family=EVENT):
    return BoundedDateField(label=label, required=required, widget=DATE_INPUT, help_text=help_text, family=family)


class OrgFilterForm(forms.Form):
    under = code_field(_("Within"))

    def clean_under(self):
        return clean_code(self.cleaned_data.get("under"))


class OrgForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=PartyOrgKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    parent = forms.TypedChoiceField(label=_("Parent organisation"), required=False, coerce=int, empty_value=None)
    place = code_field(
        _("Place"), required=True, levels=(3, 4, 5), help_text=_("Where it sits: the community, compound or building.")
    )
    branch_type = forms.ChoiceField(label=_("Branch type"), required=False, choices=[("", "—"), *BranchType.choices])
    organisation = forms.TypedChoiceField(
        label=_("Property company"),
        required=False,
        coerce=int,
        empty_value=None,
        help_text=_("For a property company branch."),
    )
    covered = PickedListField(
        label=_("Covered compounds or buildings"),
        required=False,
        max_items=100,
        help_text=_("Search by name and pick each compound or building; × removes one."),
        widget=PlacePicker(
            levels=(4, 5), multiple=True, placeholder=_("Type a compound or building, e.g. 怡心花园 3栋")
        ),
    )
    term_start = date_field(
        _("Term start"),
        required=False,
        help_text=_(
            "The term ends 5 years later (3 years for a property company's or another "
            "unit's branch) unless you give an end date."
        ),
    )
    term_end = date_field(_("Term end"), required=False)

    def __init__(self, *args, parents=(), organisations=(), editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [("", "—"), *[(o.pk, f"{o.name} ({o.get_kind_display()})") for o in parents]]
        self.fields["organisation"].choices = [("", "—"), *[(o.pk, o.name) for o in organisations]]
        if editing:
            for name in ("kind", "parent", "place"):
                del self.fields[name]

    def clean_place(self):
        return clean_code(self.cleaned_data.get("place"))

    def clean_covered(self):
        codes = self.cleaned_data.get("covered") or []
        for code in codes:
            clean_code(code)
        return codes


class MoveForm(forms.Form):
    parent = forms.TypedChoiceField(label=_("New parent organisation"), coerce=int)

    def __init__(self, *args, parents=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["parent"].choices = [(o.pk, f"{o.name} ({o.get_kind_display()})") for o in parents]


class ResidentRefField(forms.IntegerField):
    def __init__(self, **kwargs):
        kwargs.setdefault("label", _("Resident"))
        kwargs.setdefault("widget", ResidentPicker(label_for=label_for_resident))
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", 2**31 - 1)
        super().__init__(**kwargs)


class MemberAddForm(forms.Form):
    resident = ResidentRefField()
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)
    joined_on = date_field(_("Joined the party on"), family=PAST)
    full_on = date_field(_("Full member since"), required=False, family=PAST)
    group = forms.TypedChoiceField(label=_("Party group"), required=False, coerce=int, empty_value=None)
    dues_paid_until = date_field(_("Dues paid until"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *[(g.pk, g.name) for g in groups]]


class MemberEditForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)
    full_on = date_field(_("Full member since"), required=False, family=PAST)
    group = forms.TypedChoiceField(label=_("Party group"), required=False, coerce=int, empty_value=None)
    dues_paid_until = date_field(_("Dues paid until"), required=False)

    def __init__(self, *args, groups=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["group"].choices = [("", "—"), *[(g.pk, g.name) for g in groups]]


class TransferForm(forms.Form):
    to_org = forms.TypedChoiceField(label=_("To branch"), coerce=int)
    on = date_field(_("Transfer date"))
    reason = forms.CharField(label=_("Reason"), max_length=100, required=False)

    def __init__(self, *args, branches=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["to_org"].choices = [(o.pk, o.name) for o in branches]


class EndMembershipForm(forms.Form):
    on = date_field(_("Date"))
    reason = forms.CharField(label=_("Reason"), max_length=100)


class SeatForm(forms.Form):
    member = forms.TypedChoiceField(label=_("Member"), coerce=int)
    position = forms.ChoiceField(label=_("Position"), choices=SeatPosition.choices)
    term_start = date_field(_("Term start"), required=False)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, m.resident.name) for m in members]


class CenterForm(forms.Form):
    household = forms.CharField(label=_("Household"), max_length=32, widget=HouseholdPicker())
    duties = forms.CharField(label=_("Duties"), max_length=200, required=False)


class MemberFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name or branch")}),
    )
    under = code_field(_("Within"))
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("All")), *MemberStatus.choices])
    badge = forms.ChoiceField(
        label=_("Role"),
        required=False,
        choices=[
            ("", _("All")),
            ("building_head", _("Building heads")),
            ("committee", _("Committee members")),
            ("center", _("Centre households")),
        ],
    )
    dues = forms.BooleanField(label=_("Dues overdue only"), required=False)
    ended = forms.BooleanField(label=_("Include ended memberships"), required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .hooks import hooks

        # Badges other domains give members (e.g. 业委会 seats) filter the list too.
        self.fields["badge"].choices = [*self.fields["badge"].choices, *((b.key, b.label) for b in hooks.member_badges)]

    def clean_under(self):
        return clean_code(self.cleaned_data.get("under"))


class InServiceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, employer or skill")}),
    )
    under = code_field(_("Within"))
    stale = forms.BooleanField(label=_("Not reported recently only"), required=False)

    def clean_under(self):
        return clean_code(self.cleaned_data.get("under"))


class ReportForm(forms.Form):
    resident = ResidentRefField()
    community = code_field(_("Community"), required=True, levels=COMMUNITY)
    employer = forms.TypedChoiceField(label=_("Employer"), coerce=int)
    employer_party_org = forms.CharField(label=_("Employer's party organisation"), max_length=100, required=False)
    skills = forms.CharField(label=_("Skills"), max_length=200, required=False)
    service_intention = forms.CharField(label=_("Service intention"), max_length=200, required=False)
    reported_on = date_field(_("Reported on"), family=PAST)

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["employer"].choices = [(o.pk, o.name) for o in organisations]

    def clean_community(self):
        return clean_code(self.cleaned_data.get("community"))


class RegistrationForm(forms.Form):
    organisation = forms.TypedChoiceField(label=_("Organisation"), coerce=int)
    community = code_field(_("Community"), required=True, levels=COMMUNITY)
    party_org_name = forms.CharField(label=_("Party organisation"), max_length=100, required=False)
    registered_on = date_field(_("Registered on"))
    contact_name = forms.CharField(label=_("Contact person"), max_length=30, required=False)
    contact_phone = forms.CharField(label=_("Office phone"), max_length=20, required=False)
    commitments = forms.CharField(
        label=_("Commitments"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, organisations=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].choices = [(o.pk, o.name) for o in organisations]

    def clean_community(self):
        return clean_code(self.cleaned_data.get("community"))


class PostForm(forms.Form):
    community = code_field(_("Community"), required=True, levels=COMMUNITY)
    title = forms.CharField(label=_("Title"), max_length=100)
    description = forms.CharField(
        label=_("Description"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )
    slots = forms.IntegerField(label=_("Slots"), min_value=1, max_value=999, initial=1)

    def clean_community(self):
        return clean_code(self.cleaned_data.get("community"))


class ClaimForm(forms.Form):
    member = forms.TypedChoiceField(label=_("In-service member"), coerce=int)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].choices = [(m.pk, f"{m.resident.name} · {m.employer.name}") for m in members]


class RecordForm(forms.Form):
    date = date_field(_("Date"))
    content = forms.CharField(label=_("Content"), max_length=200)
    hours = forms.DecimalField(
        label=_("Hours"), max_digits=5, decimal_places=1, min_value=Decimal("0.1"), max_value=Decimal("24")
    )
    post = forms.TypedChoiceField(label=_("Claimed post"), required=False, coerce=int, empty_value=None)
    source = forms.CharField(label=_("Source"), max_length=40, required=False)

    def __init__(self, *args, posts=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["post"].choices = [("", "—"), *[(p.pk, p.title) for p in posts]]


def current_quarter(today: dt.date) -> tuple[int, int]:
    return today.year, (today.month - 1) // 3 + 1


class SheetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("Quarter"), coerce=int, choices=[(q, f"Q{q}") for q in (1, 2, 3, 4)])
