"""Forms of the place and grid pages: they parse input; lookups go through selectors, writes through services."""

from __future__ import annotations

import json
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from .models import AreaSource, HouseUse, Level
from .pickers import PlacePicker
from .selectors import CODE_RE
from .services import editable_fields

CODE_INPUT = {"inputmode": "numeric", "autocomplete": "off", "pattern": r"\d*"}


class PlaceFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Name, address or code")}),
    )
    level = forms.TypedChoiceField(
        label=_("Level"),
        required=False,
        coerce=int,
        empty_value=None,
        choices=[("", _("All levels")), *Level.choices],
    )
    under = forms.CharField(label=_("Within"), required=False, max_length=24, widget=PlacePicker())


class GridFilterForm(forms.Form):
    q = forms.CharField(
        label=_("Search"),
        required=False,
        max_length=60,
        widget=forms.TextInput(attrs={"type": "search", "placeholder": _("Grid name or code")}),
    )
    under = forms.CharField(label=_("Within"), required=False, max_length=24, widget=PlacePicker(levels=(1, 2, 3)))


def _place_fields() -> dict[str, forms.Field]:
    """Every field a place can have; ``PlaceForm`` keeps the ones of its level."""
    return {
        "code": forms.CharField(
            label=_("Code"), max_length=24, required=False, widget=forms.TextInput(attrs=CODE_INPUT)
        ),
        "name": forms.CharField(label=_("Name"), max_length=60),
        "address": forms.CharField(label=_("Address"), max_length=200, required=False),
        "floors": forms.IntegerField(label=_("Floors above ground"), min_value=1, max_value=200, required=False),
        "unit_count": forms.IntegerField(label=_("Units"), min_value=1, max_value=99, required=False),
        "longitude": forms.DecimalField(
            label=_("Longitude"),
            max_digits=9,
            decimal_places=6,
            required=False,
            min_value=Decimal("73"),
            max_value=Decimal("136"),
        ),
        "latitude": forms.DecimalField(
            label=_("Latitude"),
            max_digits=9,
            decimal_places=6,
            required=False,
            min_value=Decimal("3"),
            max_value=Decimal("54"),
        ),
        "floor": forms.IntegerField(
            label=_("Floor"), min_value=-9, max_value=200, help_text=_("Basement floors are negative.")
        ),
        "number": forms.CharField(label=_("House number"), max_length=10, required=False),
        "area": forms.DecimalField(
            label=_("Exclusive area (m²)"), max_digits=10, decimal_places=2, required=False, min_value=Decimal("0.01")
        ),
        "area_source": forms.ChoiceField(
            label=_("Area source"), required=False, choices=[("", "—"), *AreaSource.choices]
        ),
        "use": forms.ChoiceField(label=_("Use"), required=False, choices=[("", "—"), *HouseUse.choices]),
    }


class PlaceForm(forms.Form):
    """Create (``creating=True``: with the code) or edit a place of ``level``: only that level's fields."""

    def __init__(self, *args, level: int, creating: bool, instance=None, **kwargs):
        self.level = level
        self.instance = instance
        if instance is not None:
            own = {name: getattr(instance, name) for name in editable_fields(level)}
            kwargs["initial"] = {**own, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        wanted = editable_fields(level) | ({"code"} if creating else set())
        for name, field in _place_fields().items():
            if name in wanted:
                self.fields[name] = field
        if "code" in self.fields:
            code = self.fields["code"]
            if level <= Level.COMMUNITY:
                code.required = True
                code.help_text = _("The 12-digit statistical division code.")
            else:
                code.help_text = _("Optional: leave empty and the next free code is assigned.")
                self.order_fields([n for n in self.fields if n != "code"] + ["code"])

    def clean_code(self):
        code = (self.cleaned_data.get("code") or "").strip()
        if code and not code.isdigit():
            raise ValidationError(_("A place code has digits only."))
        return code

    def service_kwargs(self) -> dict:
        return dict(self.cleaned_data)


class MoveForm(forms.Form):
    parent = forms.CharField(label=_("New parent"), max_length=24, widget=PlacePicker())

    def __init__(self, *args, level: int | None = None, **kwargs):
        """``level``: the new parent's level (one above the place moved), the only level the picker lists."""
        super().__init__(*args, **kwargs)
        if level is not None:
            field = self.fields["parent"]
            field.widget = PlacePicker(levels=(level,))
            field.widget.is_required = field.required

    def clean_parent(self):
        code = (self.cleaned_data.get("parent") or "").strip()
        if not CODE_RE.match(code):
            raise ValidationError(_("A place code is 6 to 24 digits."))
        return code


class PrettyJSONField(forms.JSONField):
    """A JSON textarea that shows its value indented (and CJK unescaped)."""

    def prepare_value(self, value):
        if value in (None, ""):
            return ""
        if isinstance(value, forms.fields.InvalidJSONInput):
            return value
        return json.dumps(value, ensure_ascii=False, indent=2)


class GridForm(forms.Form):
    community = forms.ChoiceField(label=_("Community"))
    name = forms.CharField(label=_("Name"), max_length=60)
    boundary = PrettyJSONField(
        label=_("Boundary (GeoJSON)"),
        required=False,
        help_text=_("Optional: a GeoJSON Polygon or MultiPolygon, coordinates as [longitude, latitude]."),
        widget=forms.Textarea(attrs={"rows": 6, "spellcheck": "false"}),
    )
    notes = forms.CharField(label=_("Notes"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, communities=None, instance=None, **kwargs):
        """``communities``: the places a new grid may belong to (create); ``instance``: the grid (edit)."""
        self.instance = instance
        self.communities = {c.code: c for c in (communities or [])}
        if instance is not None:
            own = {"name": instance.name, "boundary": instance.boundary, "notes": instance.notes}
            kwargs["initial"] = {**own, **(kwargs.get("initial") or {})}
        super().__init__(*args, **kwargs)
        if instance is not None:
            del self.fields["community"]
        else:
            self.fields["community"].choices = [("", "—")] + [
                (c.code, f"{c.name} ({c.code})") for c in self.communities.values()
            ]

    def clean_boundary(self):
        value = self.cleaned_data.get("boundary")
        return value if value not in ("", [], {}) else None

    def service_kwargs(self) -> dict:
        data = dict(self.cleaned_data)
        if "community" in data:
            data["community"] = self.communities[data["community"]]
        return data


class CodeListField(forms.Field):
    """A list of place codes posted as repeated values (checkboxes)."""

    widget = forms.MultipleHiddenInput
    default_error_messages = {"required": _("Choose at least one building.")}

    def to_python(self, value):
        if not value:
            return []
        if not isinstance(value, list | tuple):
            value = [value]
        codes = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
        bad = [c for c in codes if not CODE_RE.match(c)]
        if bad:
            raise ValidationError(_("Not a place code: %(codes)s") % {"codes": ", ".join(bad)})
        return codes


class BuildingsForm(forms.Form):
    buildings = CodeListField(label=_("Buildings"))


class ConfirmForm(forms.Form):
    """A confirmation: no fields, but somewhere to put the service's refusal."""
