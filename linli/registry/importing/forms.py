"""The upload form: which kind of records, the file, and optionally the place the rows must lie in."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.areas.selectors import place_by_code

from .messages import render
from .reader import MB, limit

XLSX_TYPES = ".xlsx,application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class ImportForm(forms.Form):
    kind = forms.ChoiceField(label=_("What the file holds"))
    file = forms.FileField(label=_("Excel file (.xlsx)"), widget=forms.ClearableFileInput(attrs={"accept": XLSX_TYPES}))
    place = forms.CharField(
        label=_("Only within"),
        required=False,
        max_length=24,
        widget=PlacePicker(),
        help_text=_("Optional: rows outside this place are reported as errors."),
    )

    def __init__(self, *args, user, kinds, **kwargs):
        super().__init__(*args, **kwargs)
        self.user = user
        self.fields["kind"].choices = kinds
        self.fields["file"].help_text = _("At most %(mb)s MB and %(rows)s rows. Use the templates below.") % {
            "mb": limit("LINLI_IMPORT_MAX_MB"),
            "rows": f"{limit('LINLI_IMPORT_MAX_ROWS'):,}",
        }

    def clean_file(self):
        upload = self.cleaned_data["file"]
        max_mb = limit("LINLI_IMPORT_MAX_MB")
        if upload.size > max_mb * MB:
            raise ValidationError(render("too_big", {"size": f"{upload.size / MB:.1f}", "limit": max_mb}))
        return upload

    def clean_place(self):
        code = (self.cleaned_data.get("place") or "").strip()
        if not code:
            return None
        try:
            return place_by_code(self.user, code, field="place")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["place"]) from None
