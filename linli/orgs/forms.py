"""Forms of the organisation pages: they parse and look up (through the chokepoint); services write."""

from __future__ import annotations

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Level, Place
from linli.areas.pickers import PlacePicker
from linli.areas.selectors import place_by_code
from linli.core.paths import is_under
from linli.core.permissions import Action, restrict
from linli.core.validators import validate_credit_code, validate_phone
from linli.core.widgets import PickedListField

from .models import Organisation, OrgKind


class OrganisationFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, short name or credit code")}),
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False, choices=[("", _("All kinds")), *OrgKind.choices])


class OrganisationForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=OrgKind.choices)
    name = forms.CharField(label=_("Name"), max_length=100)
    short_name = forms.CharField(label=_("Short name"), max_length=30, required=False)
    credit_code = forms.CharField(
        label=_("Unified social credit code"),
        max_length=18,
        required=False,
        help_text=_("18 characters (GB 32100); leave empty if the organisation has none."),
    )
    area = forms.CharField(
        label=_("Area served"),
        max_length=24,
        help_text=_("The district, street or community it serves or sits in."),
        widget=PlacePicker(levels=(1, 2, 3)),
    )
    location = forms.CharField(
        label=_("Location"),
        max_length=24,
        required=False,
        help_text=_("Optional: the compound, building or house where it sits, within the area served."),
        widget=PlacePicker(levels=(4, 5, 6, 7)),
    )
    managed_compounds = PickedListField(
        label=_("Managed compounds"),
        required=False,
        max_items=500,
        help_text=_("Property companies only: search by name and pick each compound; × removes one."),
        widget=PlacePicker(levels=(Level.COMPOUND,), multiple=True, placeholder=_("Type a compound, e.g. 怡心花园")),
    )
    contact_name = forms.CharField(label=_("Contact person"), max_length=30, required=False)
    contact_phone = forms.CharField(
        label=_("Office phone"),
        max_length=20,
        required=False,
        widget=forms.TextInput(attrs={"type": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    is_active = forms.BooleanField(label=_("Active"), required=False, initial=True)

    def __init__(self, *args, user, instance: Organisation | None = None, **kwargs):
        self.user = user
        self.instance = instance
        if instance is not None:
            kwargs["initial"] = {
                "kind": instance.kind,
                "name": instance.name,
                "short_name": instance.short_name,
                "credit_code": instance.credit_code,
                "area": instance.area.code,
                "location": instance.location.code if instance.location_id else "",
                "managed_compounds": [c.code for c in instance.managed_compounds.order_by("path")],
                "contact_name": instance.contact_name,
                "contact_phone": instance.contact_phone,
                "address": instance.address,
                "is_active": instance.is_active,
                **(kwargs.get("initial") or {}),
            }
        super().__init__(*args, **kwargs)
        if instance is None:
            del self.fields["is_active"]

    def clean_credit_code(self):
        code = (self.cleaned_data.get("credit_code") or "").strip().upper()
        if not code:
            return ""
        validate_credit_code(code)
        # Uniqueness is checked here so the error lands on the field (the database constraint backs it up).
        others = Organisation.objects.filter(credit_code=code)
        if self.instance is not None:
            others = others.exclude(pk=self.instance.pk)
        if others.exists():
            raise ValidationError(_("Another organisation already has this unified social credit code."))
        return code

    def clean_contact_phone(self):
        phone = (self.cleaned_data.get("contact_phone") or "").strip()
        if phone:
            validate_phone(phone)
        return phone

    def clean_area(self) -> Place:
        code = (self.cleaned_data.get("area") or "").strip()
        if self.instance is not None and code == self.instance.area.code:
            return self.instance.area
        try:
            place = place_by_code(self.user, code, field="area")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["area"]) from exc
        if place.level > Level.COMMUNITY:
            raise ValidationError(_("Choose a district, street or community."))
        return place

    def clean_location(self) -> Place | None:
        code = (self.cleaned_data.get("location") or "").strip()
        if not code:
            return None
        if self.instance is not None and self.instance.location_id and code == self.instance.location.code:
            return self.instance.location
        try:
            return place_by_code(self.user, code, field="location")
        except ValidationError as exc:
            raise ValidationError(exc.message_dict["location"]) from exc

    def clean(self):
        cleaned = super().clean()
        area, location = cleaned.get("area"), cleaned.get("location")
        if area is not None and location is not None and not is_under(location.path, area.path):
            self.add_error(
                "location", _("The location must lie within the area served (%(area)s).") % {"area": area.name}
            )
        return cleaned

    def clean_managed_compounds(self) -> list[Place]:
        codes = self.cleaned_data.get("managed_compounds") or []
        if not codes:
            return []
        visible = restrict(Place.objects.filter(code__in=codes), self.user, Action.VIEW)
        if self.instance is not None:
            # Compounds already managed stay listed even if the editor cannot see them all.
            visible = visible | self.instance.managed_compounds.filter(code__in=codes)
        found = {p.code: p for p in visible}
        missing = [c for c in codes if c not in found]
        if missing:
            # named by the text the picker sent: a code out of scope is never looked up
            names = "、".join(self.fields["managed_compounds"].widget.label(c) for c in missing)
            raise ValidationError(_("Not a place in your area: %(names)s") % {"names": names})
        return [found[c] for c in codes]
