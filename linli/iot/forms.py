"""Forms of the sensing pages: they parse input; place codes are looked up in the user's scope by the views."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker

from .models import DeviceType


class DeviceForm(forms.Form):
    device_type = forms.ModelChoiceField(label=_("Device type"), queryset=DeviceType.objects.all())
    place = forms.CharField(
        label=_("Place"),
        max_length=24,
        widget=PlacePicker(levels=(4, 5, 6)),
        help_text=_("The compound, building or unit where the device is installed."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    ident = forms.SlugField(
        label=_("Device id"),
        max_length=40,
        required=False,
        help_text=_("Letters, digits and hyphens; empty: one is generated."),
    )


class NoteForm(forms.Form):
    note = forms.CharField(label=_("Note"), max_length=200, required=False, widget=forms.Textarea(attrs={"rows": 2}))
