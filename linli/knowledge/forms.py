"""Forms of the knowledge pages: they parse input; the services validate and write."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import EVENT, PAST, BoundedDateField

from .services.answers import MAX_QUESTION


class AskForm(forms.Form):
    # The service checks the length (a clear message); the field only stops an absurd body early.
    question = forms.CharField(
        label=_("Your question"),
        max_length=MAX_QUESTION * 4,
        strip=False,
        widget=forms.Textarea(attrs={"rows": 2, "maxlength": MAX_QUESTION}),
    )


class MultiFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultiFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultiFileInput(attrs={"accept": ".pdf,.docx,.md,.markdown,.html,.htm,.txt"}))
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data]
        files = [f for f in files if f]
        if not files:
            raise forms.ValidationError(_("Choose at least one file."))
        return files


class Validity(forms.Form):
    valid_from = BoundedDateField(family=EVENT, label=_("Valid from"), required=False)
    valid_until = BoundedDateField(family=EVENT, label=_("Valid until"), required=False)


class UploadForm(Validity):
    place = forms.CharField(
        label=_("Owner place"),
        max_length=24,
        widget=PlacePicker(levels=(1, 3)),
        help_text=_("The district for a district-wide text, or one community."),
    )
    files = MultiFileField(label=_("Files (PDF, Word, HTML, Markdown)"))
    title = forms.CharField(
        label=_("Title"), max_length=200, required=False, help_text=_("Empty: the first heading of each file.")
    )
    issuer = forms.CharField(label=_("Issued by"), max_length=100, required=False)
    issued_on = BoundedDateField(family=PAST, label=_("Date of the text"))
    field_order = ("place", "files", "title", "issuer", "issued_on", "valid_from", "valid_until")


class FaqForm(Validity):
    place = forms.CharField(
        label=_("Owner place"),
        max_length=24,
        widget=PlacePicker(levels=(1, 3)),
        help_text=_("The district for everyone, or one community."),
    )
    question = forms.CharField(label=_("Question"), max_length=200)
    answer = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 5}))
    field_order = ("place", "question", "answer", "valid_from", "valid_until")


class HandoverForm(forms.Form):
    category = forms.ModelChoiceField(label=_("What it is about"), queryset=None, empty_label=None)
    details = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}), required=False
    )

    def __init__(self, *args, categories, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].queryset = categories
