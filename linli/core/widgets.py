"""The one type-ahead picker: residents, houses and places are chosen by searching, never by typing a code.

``Picker`` renders a visible search box (``<name>_label``) and a hidden input (``<name>``) holding the picked
value — a resident's id, a place code… — which the form field validates as before (in the user's scope, on the
server). Typing asks the domain's small endpoint (``url_name``) for options, an HTML fragment of
``components/picker_options.html``; ``static/linli/picker.js`` (no build step) shows them, arrow keys and Enter
pick, Escape closes. Editing the text after a pick clears the value, so a stale id is never submitted.

The text shown for a value is the submitted label (or the bare value) when the form is bound — a value the user
sent is never looked up, so a code outside their scope cannot reveal a name — and for a server-given initial
value ``label_for(value)`` or, under a ``ModelChoiceField``, the object of the field's (scoped) queryset.

``multiple=True`` is the same search for a field that holds several values (covered compounds, invitees…):
each pick becomes a chip holding a hidden ``<name>`` input (the value) and a hidden ``<name>_label`` input (its
text), with a button to remove it; the field receives the list of values (``PickedListField``).
"""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import urlencode

from django import forms
from django.core.exceptions import ValidationError
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

LABEL_SUFFIX = "_label"
# attributes of the value's field that make no sense on the search box
SKIP_ATTRS = ("id", "required", "maxlength", "minlength", "min", "max", "step", "pattern", "inputmode")


@dataclass(frozen=True)
class Option:
    """One line of a picker's list: ``value`` goes to the form, ``label`` into the box, ``detail`` is a hint."""

    value: str
    label: str
    detail: str = ""


class Picker(forms.TextInput):
    template_name = "components/picker.html"

    def __init__(
        self,
        url_name: str,
        *,
        params: dict | None = None,
        placeholder: str = "",
        label_for=None,
        multiple: bool = False,
        attrs: dict | None = None,
    ):
        super().__init__(attrs)
        self.multiple = multiple
        self.url_name, self.params, self.placeholder, self.label_for = (
            url_name,
            dict(params or {}),
            placeholder,
            label_for,
        )
        self._posted_label: str | None = None
        self._posted_labels: dict[str, str] | None = None

    def value_from_datadict(self, data, files, name):
        if self.multiple:
            values = _getlist(data, name)
            labels = _getlist(data, name + LABEL_SUFFIX)
            self._posted_labels = {
                str(v).strip(): (labels[i] if i < len(labels) else "") for i, v in reversed(list(enumerate(values)))
            }
            return values
        self._posted_label = data.get(name + LABEL_SUFFIX) or ""
        return super().value_from_datadict(data, files, name)

    def value_omitted_from_data(self, data, files, name):
        if self.multiple:
            return False  # like checkboxes: nothing posted means nothing chosen
        return name not in data and name + LABEL_SUFFIX not in data

    def format_value(self, value):
        if not self.multiple:
            return super().format_value(value)
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = value.replace(",", " ").split()
        return list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))  # one chip a value

    def url(self) -> str:
        url = reverse(self.url_name)
        return f"{url}?{urlencode(self.params)}" if self.params else url

    def label(self, value) -> str:
        if self._posted_labels is not None:
            return self._posted_labels.get(str(value)) or str(value)
        if self._posted_label is not None:
            # a bound form: show back what was typed, or the bare value; never look up a value the user sent
            # (a code or id outside their scope would otherwise show its name)
            return self._posted_label or ("" if value in (None, "") else str(value))
        if value in (None, ""):
            return ""
        if self.label_for is not None:
            return self.label_for(value) or ""
        choices = getattr(self, "choices", None)
        queryset = getattr(choices, "queryset", None)
        if queryset is None:
            return str(value)
        field = choices.field
        try:
            obj = queryset.filter(**{field.to_field_name or "pk": value}).first()
        except (ValueError, TypeError, ValidationError):
            return ""
        return field.label_from_instance(obj) if obj is not None else ""

    def render(self, name, value, attrs=None, renderer=None):
        # the project's templates (components/), whatever the form renderer is
        return render_to_string(self.template_name, self.get_context(name, value, attrs))  # a SafeString

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        widget = context["widget"]
        if self.multiple:
            widget["chips"] = [{"value": v, "label": self.label(v)} for v in widget["value"]]
        widget.update(
            url=self.url(),
            multiple=self.multiple,
            label="" if self.multiple else self.label(widget["value"]),
            label_name=name + LABEL_SUFFIX,
            placeholder=self.placeholder,
            skip_attrs=SKIP_ATTRS,
        )
        return context


def _getlist(data, name) -> list:
    if hasattr(data, "getlist"):
        return data.getlist(name)
    value = data.get(name)
    if value is None:
        return []
    return list(value) if isinstance(value, list | tuple) else [value]


class PickedListField(forms.Field):
    """The values of a ``Picker(multiple=True)``, stripped and without repeats (in the order picked); the form's
    ``clean_<name>`` checks each one is in the user's scope, as for a single picker."""

    default_error_messages = {
        "too_many": _("Choose at most %(limit)s."),
    }

    def __init__(self, *, widget, max_items: int = 500, **kwargs):
        if not getattr(widget, "multiple", False):
            raise ValueError("PickedListField needs a Picker(multiple=True)")
        self.max_items = max_items
        super().__init__(widget=widget, **kwargs)

    def to_python(self, value) -> list[str]:
        if value in (None, ""):
            return []
        if isinstance(value, str):
            value = [value]
        values = list(dict.fromkeys(str(v).strip() for v in value if str(v).strip()))
        if len(values) > self.max_items:
            raise ValidationError(self.error_messages["too_many"], code="too_many", params={"limit": self.max_items})
        return values

    def has_changed(self, initial, data) -> bool:
        return self.to_python(initial) != self.to_python(data)
