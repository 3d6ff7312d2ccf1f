"""Forms of the alliance pages: they parse input; the services validate and write."""

from __future__ import annotations

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Place
from linli.core import dates
from linli.core.dates import EVENT, BoundedDateField
from linli.core.permissions import Action, restrict
from linli.orgs.models import Organisation

from .models import AllianceMember, FundKind, ItemStatus, ProjectStatus

DATE = forms.DateInput(attrs={"type": "date"})


def _members(alliance):
    return AllianceMember.objects.filter(alliance=alliance, is_active=True).select_related("organisation")


class AllianceForm(forms.Form):
    community = forms.ModelChoiceField(label=_("Community"), queryset=Place.objects.none())
    name = forms.CharField(
        label=_("Name"),
        max_length=100,
        required=False,
        help_text=_("Leave empty for “<community> party-building alliance”."),
    )
    founded_on = BoundedDateField(family=EVENT, label=_("Founded on"), required=False, widget=DATE)
    description = forms.CharField(label=_("Description"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from .models import Alliance

        self.fields["community"].queryset = (
            restrict(Place.objects.filter(level=3), user, Action.VIEW)
            .exclude(pk__in=Alliance.objects.values("community_id"))
            .order_by("path")
        )


class MemberForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    lead_name = forms.CharField(label=_("Lead official"), max_length=30, required=False)
    lead_title = forms.CharField(label=_("Lead official's title"), max_length=60, required=False)
    joined_on = BoundedDateField(family=EVENT, label=_("Joined on"), required=False, widget=DATE)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            restrict(Organisation.objects.filter(is_active=True), user)
            .exclude(alliance_memberships__alliance=alliance)
            .order_by("name")
        )


class MeetingForm(forms.Form):
    held_on = BoundedDateField(family=EVENT, label=_("Held on"), widget=DATE)
    topic = forms.CharField(label=_("Topic"), max_length=200)
    attendees = forms.ModelMultipleChoiceField(
        label=_("Member organisations present"),
        required=False,
        queryset=AllianceMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    minutes = forms.CharField(label=_("Minutes"), required=False, max_length=10000, widget=forms.Textarea)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["attendees"].queryset = _members(alliance)


class CommitmentForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member organisation"), queryset=AllianceMember.objects.none())
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    signed_on = BoundedDateField(family=EVENT, label=_("Signed on"), required=False, widget=DATE)
    items = forms.CharField(
        label=_("Commitments"), widget=forms.Textarea, max_length=6000, help_text=_("One commitment per line.")
    )

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(alliance)
        self.fields["year"].initial = dates.today().year

    def clean_items(self):
        return [line.strip() for line in self.cleaned_data["items"].splitlines() if line.strip()]


class ItemForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=ItemStatus.choices)
    evidence = forms.CharField(label=_("Evidence"), required=False, max_length=2000, widget=forms.Textarea)
    fulfilled_on = BoundedDateField(family=EVENT, label=_("Fulfilled on"), required=False, widget=DATE)

    def __init__(self, *args, user=None, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class WishForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member organisation"), queryset=AllianceMember.objects.none())
    title = forms.CharField(label=_("Wish"), max_length=200)
    claimed_on = BoundedDateField(family=EVENT, label=_("Claimed on"), required=False, widget=DATE)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(alliance)


class ActivityForm(forms.Form):
    held_on = BoundedDateField(family=EVENT, label=_("Held on"), widget=DATE)
    title = forms.CharField(label=_("Activity"), max_length=200)
    members = forms.ModelMultipleChoiceField(
        label=_("Member organisations taking part"),
        required=False,
        queryset=AllianceMember.objects.none(),
        widget=forms.CheckboxSelectMultiple,
    )
    participants = forms.IntegerField(label=_("Participants"), min_value=0, max_value=100000, initial=0)
    hours = forms.DecimalField(
        label=_("Service hours in total"), min_value=Decimal("0"), max_digits=8, decimal_places=1, initial=0
    )
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["members"].queryset = _members(alliance)


class ProblemForm(forms.Form):
    title = forms.CharField(label=_("Problem"), max_length=100)
    description = forms.CharField(label=_("Description"), max_length=4000, widget=forms.Textarea)
    place = forms.ModelChoiceField(
        label=_("Place"),
        required=False,
        queryset=Place.objects.none(),
        help_text=_("Where it is, within the community (optional)."),
    )
    raised_by = forms.ModelChoiceField(label=_("Raised by"), required=False, queryset=AllianceMember.objects.none())
    responsible = forms.ModelChoiceField(
        label=_("Responsible member"), required=False, queryset=AllianceMember.objects.none()
    )
    found_on = BoundedDateField(family=EVENT, label=_("Found on"), required=False, widget=DATE)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["raised_by"].queryset = self.fields["responsible"].queryset = _members(alliance)
        self.fields["place"].queryset = restrict(
            Place.objects.under(alliance.scope_path).filter(level__lte=5), user
        ).order_by("path")


class SolveForm(forms.Form):
    solution = forms.CharField(label=_("How it was solved"), max_length=4000, widget=forms.Textarea)
    solved_on = BoundedDateField(family=EVENT, label=_("Solved on"), required=False, widget=DATE)

    def __init__(self, *args, user=None, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class FundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=FundKind.choices)
    amount = forms.DecimalField(label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=12, decimal_places=2)
    entry_date = BoundedDateField(family=EVENT, label=_("Date"), required=False, widget=DATE)
    member = forms.ModelChoiceField(
        label=_("Member organisation"), required=False, queryset=AllianceMember.objects.none()
    )
    reason = forms.CharField(label=_("Reason"), max_length=300)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = _members(alliance)


class PartnerForm(forms.Form):
    organisation = forms.ModelChoiceField(label=_("Enterprise"), queryset=Organisation.objects.none())
    joined_on = BoundedDateField(family=EVENT, label=_("Joined on"), required=False, widget=DATE)
    contact_name = forms.CharField(label=_("Contact person"), max_length=30, required=False)
    note = forms.CharField(label=_("Note"), required=False, max_length=2000, widget=forms.Textarea)

    def __init__(self, *args, user, alliance, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = (
            restrict(
                Organisation.objects.filter(is_active=True, kind__in=["enterprise", "social", "property", "other"]),
                user,
            )
            .exclude(red_partnerships__alliance=alliance)
            .order_by("name")
        )


class ProjectForm(forms.Form):
    title = forms.CharField(label=_("Project"), max_length=200)
    description = forms.CharField(label=_("Description"), required=False, max_length=4000, widget=forms.Textarea)
    status = forms.ChoiceField(label=_("Status"), choices=ProjectStatus.choices)
    started_on = BoundedDateField(family=EVENT, label=_("Started on"), required=False, widget=DATE)
    finished_on = BoundedDateField(family=EVENT, label=_("Finished on"), required=False, widget=DATE)

    def __init__(self, *args, user=None, alliance=None, **kwargs):
        super().__init__(*args, **kwargs)


class ProjectClaimForm(forms.Form):
    """双报到: an in-service member claims a part in one of their community's cooperative projects."""

    project = forms.TypedChoiceField(label=_("Cooperative project"), coerce=int)
    role = forms.CharField(
        label=_("What they take on"),
        required=False,
        max_length=200,
        help_text=_("e.g. legal advice on Saturdays, organising the charging-pile survey"),
    )
    claimed_on = BoundedDateField(family=EVENT, label=_("Claimed on"), required=False, widget=DATE)

    def __init__(self, *args, projects=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["project"].choices = [
            (p.pk, f"{p.title} · {p.partner.organisation.name} · {p.get_status_display()}") for p in projects
        ]
