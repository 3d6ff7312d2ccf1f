from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.pickers import UserPicker, picked_users
from linli.accounts.selectors import visible_users
from linli.areas.models import Place
from linli.core.dates import EVENT, bound_form_dates
from linli.core.permissions import Action, restrict
from linli.core.widgets import PickedListField

from .models import OWNERS_COMMITTEE_REF, HostKind, Meeting

DT = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MeetingForm(forms.ModelForm):
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        required=False,
        help_text=_("The community or compound the meeting belongs to (a branch meeting takes its branch's place)."),
    )
    owners_committee = forms.ModelChoiceField(
        label=_("Owners' committee"),
        queryset=None,
        required=False,
        help_text=_(
            "For an owners' committee meeting: the committee; all its members in office are the base of every vote."
        ),
    )
    chair_username = forms.CharField(
        label=_("Chaired by"),
        max_length=150,
        required=False,
        help_text=_("Optional: e.g. the council's convenor, who may then run it."),
        widget=UserPicker(),
    )

    class Meta:
        model = Meeting
        fields = [
            "title",
            "description",
            "host_kind",
            "party_org",
            "host_name",
            "starts_at",
            "ends_at",
            "location",
            "majority_base",
            "quorum_numerator",
            "quorum_denominator",
            "quorum_strict",
            "secret_ballot",
        ]
        widgets = {"description": forms.Textarea(attrs={"rows": 3}), "starts_at": DT, "ends_at": DT}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.party.models import BRANCH_KINDS, PartyOrg

        self.user = user
        bound_form_dates(self, {"starts_at": EVENT, "ends_at": EVENT})  # typed times: no year 1, no 9999

        self.fields["place"].queryset = restrict(
            Place.objects.filter(level__in=(2, 3, 4), is_active=True), user, Action.VIEW
        ).order_by("path")
        self.fields["party_org"].queryset = restrict(
            PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, Action.VIEW
        )
        from linli.owners.models import OwnersCommittee

        self.fields["owners_committee"].queryset = restrict(
            OwnersCommittee.objects.filter(is_active=True), user, Action.VIEW
        ).order_by("scope_path", "pk")
        if self.instance.pk and self.instance.owners_committee_id:
            self.fields["owners_committee"].initial = self.instance.owners_committee_id
        self.fields["starts_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        self.fields["ends_at"].input_formats = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"]
        if self.instance.pk:
            self.fields["place"].initial = self.instance.place_id
            if self.instance.chair_id:
                self.fields["chair_username"].initial = self.instance.chair.get_username()

    def clean_chair_username(self):
        name = self.cleaned_data.get("chair_username", "").strip()
        if not name:
            return None
        if self.instance.pk and self.instance.chair_id and name == self.instance.chair.get_username():
            return self.instance.chair  # the chair already set stays, even if the editor cannot see the account
        user = visible_users(self.user).filter(username=name, is_active=True).first()
        if user is None:
            raise forms.ValidationError(_("Choose the chair from the list: an active account in your area."))
        return user

    def clean(self):
        data = super().clean()
        committee = data.get("owners_committee")
        if data.get("host_kind") == HostKind.OWNERS_COMMITTEE and committee is not None:
            data["host_ref"] = f"{OWNERS_COMMITTEE_REF}:{committee.pk}"
            data["host_name"] = data.get("host_name") or committee.name
            # host_ref is no field of the form (nobody types "app.model:id"): the model's own checks see it here.
            self.instance.host_ref = data["host_ref"]
        elif data.get("host_kind") == HostKind.OWNERS_COMMITTEE and not data.get("host_ref"):
            self.add_error("owners_committee", _("Choose the owners' committee that meets."))
        if not data.get("place") and not data.get("party_org") and committee is None:
            self.add_error("place", _("Choose where the meeting belongs."))
        return data

    def add_error(self, field, error):
        # The model's and the service's errors about the host reference belong to the committee picker.
        if field == "host_ref":
            field = "owners_committee"
        elif field is None and isinstance(error, dict) and "host_ref" in error:
            error = {("owners_committee" if k == "host_ref" else k): v for k, v in error.items()}
        elif field is None and hasattr(error, "error_dict") and "host_ref" in error.error_dict:
            error.error_dict["owners_committee"] = error.error_dict.pop("host_ref")
        super().add_error(field, error)

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        data["chair"] = data.pop("chair_username")
        data.pop("owners_committee", None)
        data.pop("place", None)
        return data


class ItemForm(forms.Form):
    title = forms.CharField(label=_("Agenda item"), max_length=200)
    description = forms.CharField(
        label=_("Details"), max_length=4000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    is_vote = forms.BooleanField(label=_("Put to a vote"), required=False, initial=True)


class InviteForm(forms.Form):
    usernames = PickedListField(
        label=_("People"),
        required=False,
        max_items=500,
        help_text=_("Search by name and pick each person; × removes one."),
        widget=UserPicker(multiple=True),
    )
    branch = forms.ModelChoiceField(label=_("All members of a party branch"), queryset=None, required=False)
    committee = forms.ModelChoiceField(label=_("All members of an owners' committee"), queryset=None, required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.party.models import BRANCH_KINDS, PartyOrg

        self.user = user
        self.fields["branch"].queryset = restrict(
            PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, Action.VIEW
        )
        from linli.owners.models import OwnersCommittee

        self.fields["committee"].queryset = restrict(
            OwnersCommittee.objects.filter(is_active=True), user, Action.VIEW
        ).order_by("scope_path", "pk")

    def clean_usernames(self):
        return picked_users(self.user, self.cleaned_data["usernames"])


class MinutesForm(forms.Form):
    minutes = forms.CharField(
        label=_("Minutes"), max_length=20000, required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
