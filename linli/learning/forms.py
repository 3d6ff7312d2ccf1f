from django import forms
from django.utils.translation import gettext_lazy as _

from linli.accounts.pickers import UserPicker, picked_users
from linli.areas.models import Place
from linli.core.dates import EVENT, BoundedDateField
from linli.core.permissions import Action, restrict
from linli.core.widgets import PickedListField

from . import files
from .models import Course, QuestionKind


class CourseForm(forms.ModelForm):
    place = forms.ModelChoiceField(label=_("Place"), queryset=Place.objects.none())
    video_url = forms.URLField(
        label=_("video link"),
        max_length=300,
        required=False,
        assume_scheme="https",
        help_text=_("An https:// link to the video on a video platform."),
    )
    video_upload = forms.FileField(
        label=_("Video file (MP4/WebM)"),
        required=False,
        widget=forms.ClearableFileInput(attrs={"accept": "video/mp4,video/webm"}),
    )
    pdf_upload = forms.FileField(
        label=_("PDF file"), required=False, widget=forms.ClearableFileInput(attrs={"accept": "application/pdf"})
    )

    class Meta:
        model = Course
        fields = ["title", "summary", "kind", "body", "video_url", "pass_score", "max_attempts", "is_published"]
        widgets = {"body": forms.Textarea(attrs={"rows": 10})}

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = restrict(
            Place.objects.filter(level__in=(1, 2, 3, 4), is_active=True), user, Action.VIEW
        ).order_by("path")
        if self.instance.pk:
            self.fields["place"].initial = self.instance.place_id
            self.fields["place"].disabled = True
        self.fields["video_upload"].help_text = _("At most %(mb)s MB.") % {"mb": files.max_video_bytes() // 2**20}
        self.fields["pdf_upload"].help_text = _("At most %(mb)s MB.") % {"mb": files.max_pdf_bytes() // 2**20}

    def _post_clean(self):
        # The service validates the whole course (with its files); skip the ModelForm's instance validation.
        pass

    def service_kwargs(self) -> dict:
        data = {k: self.cleaned_data[k] for k in self.Meta.fields}
        data["video_file"] = self.cleaned_data.get("video_upload") or None
        data["pdf_file"] = self.cleaned_data.get("pdf_upload") or None
        return data


class QuestionForm(forms.Form):
    text = forms.CharField(label=_("Question"), max_length=500)
    kind = forms.ChoiceField(label=_("Type"), choices=QuestionKind.choices)
    options = forms.CharField(
        label=_("Options, one per line"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    correct = forms.CharField(
        label=_("Correct option numbers"), max_length=40, help_text=_("e.g. 1 or 1,3 (counting from 1)")
    )

    def clean(self):
        data = super().clean()
        data["options"] = [o.strip() for o in data.get("options", "").splitlines() if o.strip()]
        try:
            data["correct"] = [
                int(x) - 1 for x in data.get("correct", "").replace("，", ",").replace(" ", ",").split(",") if x.strip()
            ]
        except ValueError:
            self.add_error("correct", _("Write the option numbers, e.g. 1,3."))
        return data


class AssignForm(forms.Form):
    usernames = PickedListField(
        label=_("People"),
        required=False,
        max_items=500,
        help_text=_("Search by name and pick each person; × removes one."),
        widget=UserPicker(multiple=True),
    )
    branches = forms.ModelMultipleChoiceField(
        label=_("Whole party branches (their active members)"), queryset=None, required=False
    )
    due_on = BoundedDateField(family=EVENT, label=_("Due on"), required=False)

    def __init__(self, *args, user=None, **kwargs):
        super().__init__(*args, **kwargs)
        from linli.party.models import BRANCH_KINDS, PartyOrg

        self.user = user
        self.fields["branches"].queryset = restrict(
            PartyOrg.objects.filter(kind__in=BRANCH_KINDS, is_active=True), user, Action.VIEW
        )

    def clean_usernames(self):
        return picked_users(self.user, self.cleaned_data["usernames"])
