"""Forms for the work-order pages. They only parse input; the services validate the rules and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from linli.areas.pickers import PlacePicker
from linli.core.uploads import max_files

from .models import (
    DESCRIPTION_MAX,
    AttachmentKind,
    CaseType,
    Confidentiality,
    Priority,
    State,
    TaskForceKind,
)

PHOTO_ACCEPT = "image/*"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class PhotosField(forms.FileField):
    """Several photos at once (at most ``max_files()``); the content is checked by the service."""

    def __init__(self, *args, capture: bool = True, accept: str = PHOTO_ACCEPT, **kwargs):
        attrs = {"accept": accept, "multiple": True}
        if capture:
            attrs["capture"] = "environment"
        kwargs.setdefault("widget", MultipleFileInput(attrs=attrs))
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        files = data if isinstance(data, (list, tuple)) else ([data] if data else [])
        files = [single(f, initial) for f in files if f]
        if self.required and not files:
            raise forms.ValidationError(self.error_messages["required"], code="required")
        if len(files) > max_files():
            raise forms.ValidationError(_("At most %(n)s files at a time.") % {"n": max_files()})
        return files


# --- reporting ---------------------------------------------------------------------------------------


class ReportForm(forms.Form):
    """随手拍 / patrol find / counter report. ``place`` is the deepest place chosen in the picker (a code)."""

    category = forms.ChoiceField(label=_("What is it about?"))
    case_type = forms.ChoiceField(label=_("Type"), choices=CaseType.choices, initial=CaseType.HELP)
    title = forms.CharField(
        label=_("Title"), max_length=100, widget=forms.TextInput(attrs={"placeholder": _("In a few words")})
    )
    description = forms.CharField(
        label=_("Description"),
        max_length=DESCRIPTION_MAX,
        widget=forms.Textarea(attrs={"rows": 4, "maxlength": DESCRIPTION_MAX}),
    )
    photos = PhotosField(label=_("Photos"))
    place = forms.RegexField(
        label=_("Where"),
        regex=r"^\d{6,24}$",
        required=False,
        error_messages={"invalid": _("Choose a place from the list.")},
    )
    address = forms.CharField(label=_("Address or landmark"), max_length=200, required=False)
    lat = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput, min_value=-90, max_value=90
    )
    lng = forms.DecimalField(
        required=False, max_digits=9, decimal_places=6, widget=forms.HiddenInput, min_value=-180, max_value=180
    )
    confidentiality = forms.ChoiceField(
        label=_("Your identity"),
        choices=Confidentiality.choices,
        initial=Confidentiality.NONE,
        widget=forms.RadioSelect,
    )
    priority = forms.ChoiceField(label=_("Priority"), choices=Priority.choices, initial=Priority.NORMAL, required=False)
    reporter_name = forms.CharField(label=_("Reporter's name"), max_length=50, required=False)
    reporter_phone = forms.CharField(label=_("Reporter's phone"), max_length=20, required=False)

    def __init__(self, *args, categories=(), mode: str = "resident", **kwargs):
        super().__init__(*args, **kwargs)
        self.mode = mode
        n = max_files()
        self.fields["photos"].help_text = ngettext("Up to %(n)s photo.", "Up to %(n)s photos.", n) % {"n": n}
        self.fields["category"].choices = [(c.code, str(c)) for c in categories]
        if mode == "resident":
            del self.fields["reporter_name"], self.fields["reporter_phone"], self.fields["priority"]
        elif mode == "patrol":
            del self.fields["reporter_name"], self.fields["reporter_phone"], self.fields["confidentiality"]
        else:  # counter: on a resident's behalf (代办)
            self.fields["reporter_name"].required = True

    def clean(self):
        data = super().clean()
        if (data.get("lat") is None) != (data.get("lng") is None):
            self.add_error("lat", _("Give both latitude and longitude, or neither."))
        return data


# --- steps on a case -----------------------------------------------------------------------------------


class NoteOnly(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))


class WhistleForm(forms.Form):
    note = forms.CharField(
        label=_("Why the community cannot solve it alone"), max_length=500, widget=forms.Textarea(attrs={"rows": 2})
    )


class DispatchForm(forms.Form):
    lead_org = forms.TypedChoiceField(label=_("Lead handler"), coerce=int, required=False, empty_value=None)
    co_orgs = forms.TypedMultipleChoiceField(
        label=_("Co-handlers (联合办理)"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    task_force = forms.TypedChoiceField(label=_("Or a task force (专班)"), coerce=int, required=False, empty_value=None)
    note = forms.CharField(
        label=_("Instructions"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, orgs=(), task_forces=(), district: bool = False, **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {o.pk: o for o in orgs}
        self.task_forces = {t.pk: t for t in task_forces}
        grouped: dict[str, list] = {}
        for o in orgs:
            grouped.setdefault(str(o.get_kind_display()), []).append((o.pk, o.name))
        empty = _("— choose —") if district else _("The community handles it itself")
        self.fields["lead_org"].choices = [("", empty), *grouped.items()]
        self.fields["co_orgs"].choices = [(o.pk, o.name) for o in orgs]
        self.fields["task_force"].choices = [("", "—"), *((t.pk, t.name) for t in task_forces)]


class TextReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class StartForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2}))
    photos = PhotosField(label=_("Photos before handling"))


class CompleteForm(forms.Form):
    reply = forms.CharField(
        label=_("Reply to the resident"), max_length=DESCRIPTION_MAX, widget=forms.Textarea(attrs={"rows": 3})
    )
    photos = PhotosField(label=_("Photos after handling"))


class MergeForm(forms.Form):
    into = forms.CharField(label=_("Number of the case to merge into"), max_length=20)
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CaseNoteForm(forms.Form):
    note = forms.CharField(label=_("Progress note"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    kind = forms.ChoiceField(
        label=_("Photos are"),
        choices=[(AttachmentKind.BEFORE, _("Before handling")), (AttachmentKind.AFTER, _("After handling"))],
        initial=AttachmentKind.BEFORE,
    )
    photos = PhotosField(label=_("Photos"))
    public = forms.BooleanField(label=_("Show to the reporter"), required=False, initial=True)


class AttachForm(forms.Form):
    photos = PhotosField(label=_("More photos"), required=True)


class ExtensionForm(forms.Form):
    days = forms.IntegerField(label=_("Extra working days"), min_value=1, max_value=30)
    reason = forms.CharField(label=_("Reason"), max_length=500)


class ExtensionDecideForm(forms.Form):
    approve = forms.TypedChoiceField(
        label=_("Decision"),
        coerce=lambda v: v == "1",
        choices=[("1", _("Approve")), ("0", _("Refuse"))],
        widget=forms.RadioSelect,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class SuperviseForm(forms.Form):
    note = forms.CharField(label=_("Supervision instruction"), max_length=500, widget=forms.Textarea(attrs={"rows": 2}))


class UrgeForm(forms.Form):
    note = forms.CharField(label=_("Reminder"), max_length=500, required=False)


class EvaluateForm(forms.Form):
    verdict = forms.ChoiceField(label=_("Your verdict"), widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(label=_("Reasons"), required=False, widget=forms.CheckboxSelectMultiple)
    note = forms.CharField(
        label=_("Anything else?"), max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args, levels=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.levels = list(levels)
        self.fields["verdict"].choices = [(v.code, v.label) for v in self.levels]
        self.fields["reasons"].choices = sorted({(r.text, r.text) for v in self.levels for r in v.reasons.all()})


# --- queues ----------------------------------------------------------------------------------------------

PERIODS = [("", _("Any time")), ("7", _("Last 7 days")), ("30", _("Last 30 days")), ("90", _("Last 90 days"))]


class QueueFilterForm(forms.Form):
    state = forms.ChoiceField(label=_("State"), required=False)
    category = forms.ChoiceField(label=_("Category"), required=False)
    overdue = forms.BooleanField(label=_("Overdue only"), required=False)
    period = forms.ChoiceField(label=_("Reported"), choices=PERIODS, required=False)

    def __init__(self, *args, states=(), categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["state"].choices = [("", _("All states")), *((s, State(s).label) for s in states)]
        self.fields["category"].choices = [("", _("All categories")), *((c.code, str(c)) for c in categories)]


# --- task forces -------------------------------------------------------------------------------------------


class TaskForceForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=TaskForceKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    place = forms.RegexField(
        label=_("Compound or area"),
        regex=r"^\d{6,24}$",
        error_messages={"invalid": _("Digits only, as in a place code.")},
        widget=PlacePicker(levels=(2, 3, 4)),
    )
    road = forms.CharField(label=_("Road"), max_length=100, required=False)
    lead = forms.TypedChoiceField(label=_("Lead unit (包保单位)"), coerce=int)
    members = forms.TypedMultipleChoiceField(
        label=_("Member units"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    people = forms.CharField(
        label=_("Residents and volunteers"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The N in 1+5+N: names and roles, one per line (no ID or phone numbers)."),
    )

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {o.pk: o for o in orgs}
        self.fields["lead"].choices = [("", "—"), *((o.pk, o.name) for o in orgs)]
        self.fields["members"].choices = [(o.pk, o.name) for o in orgs]


class JointActionForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=100)
    held_at = forms.DateTimeField(
        label=_("Held at"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
    )
    units = forms.TypedMultipleChoiceField(
        label=_("Participating units"), coerce=int, required=False, widget=forms.CheckboxSelectMultiple
    )
    participants = forms.CharField(
        label=_("Participants"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    outcome = forms.CharField(label=_("Outcome"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))
    case = forms.CharField(label=_("Case number (optional)"), max_length=20, required=False)

    def __init__(self, *args, orgs=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.orgs = {o.pk: o for o in orgs}
        self.fields["units"].choices = [(o.pk, o.name) for o in orgs]


# --- configuration (district administrators) ------------------------------------------------------------------

CODE_HELP = _("Lower-case letters, digits and hyphens; it cannot change later.")


class CategoryForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z0-9][a-z0-9-]*$",
        max_length=40,
        help_text=CODE_HELP,
        error_messages={"invalid": _("Lower-case letters, digits and hyphens only.")},
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    parent = forms.TypedChoiceField(label=_("Parent category"), coerce=int, required=False, empty_value=None)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    keywords = forms.CharField(
        label=_("Keywords"),
        max_length=200,
        required=False,
        help_text=_("Other words residents use for it, separated by commas (Open311 keywords)."),
    )
    default_handler = forms.TypedChoiceField(
        label=_("Default handling department"),
        coerce=int,
        required=False,
        empty_value=None,
        help_text=_("Suggested to the dispatcher as the lead department."),
    )
    handled_by_property = forms.BooleanField(label=_("Property company first"), required=False)
    is_public = forms.BooleanField(label=_("Offered to residents (report page and Open311)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    sort = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)

    def __init__(self, *args, parents=(), handlers=(), creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.parents = {c.pk: c for c in parents}
        self.handlers = {o.pk: o for o in handlers}
        self.fields["parent"].choices = [("", _("— none: a top-level category —")), *((c.pk, c.name) for c in parents)]
        self.fields["default_handler"].choices = [("", "—"), *((o.pk, o.name) for o in handlers)]
        if not creating:
            del self.fields["code"]


CASE_TYPE_ANY = [("", _("Any type")), *CaseType.choices]


class TimeLimitForm(forms.Form):
    case_type = forms.ChoiceField(label=_("Case type"), choices=CASE_TYPE_ANY, required=False)
    category = forms.TypedChoiceField(label=_("Category"), coerce=int, required=False, empty_value=None)
    sign_days = forms.IntegerField(
        label=_("Sign within (working days)"), min_value=0, max_value=30, help_text=_("0: the same day.")
    )
    handle_days = forms.IntegerField(label=_("Handle within (working days)"), min_value=1, max_value=365)

    def __init__(self, *args, categories=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.categories = {c.pk: c for c in categories}
        self.fields["category"].choices = [("", _("Any category")), *((c.pk, str(c)) for c in categories)]


class VerdictLevelForm(forms.Form):
    code = forms.RegexField(
        label=_("Code"),
        regex=r"^[a-z0-9][a-z0-9-]*$",
        max_length=20,
        help_text=CODE_HELP,
        error_messages={"invalid": _("Lower-case letters, digits and hyphens only.")},
    )
    label = forms.CharField(label=_("Label"), max_length=20)
    counts_as_satisfied = forms.BooleanField(label=_("Counts as satisfied"), required=False)
    reopens = forms.BooleanField(label=_("Sends the case back for re-doing (发回重办)"), required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False)
    sort = forms.IntegerField(label=_("Order"), min_value=0, max_value=32767)
    reasons = forms.CharField(
        label=_("Reason chips"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("One per line, at most 40 characters each."),
    )

    def __init__(self, *args, creating: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not creating:
            del self.fields["code"]

    def clean_reasons(self):
        return [line.strip() for line in self.cleaned_data["reasons"].splitlines() if line.strip()]
