from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker

from .models import CredentialKind, Method, Purpose


class DoorForm(forms.Form):
    place = forms.CharField(
        label=_("Compound or building"),
        max_length=24,
        widget=PlacePicker(levels=(4, 5)),
        help_text=_("A compound for its gate, a building for its entrance."),
    )
    name = forms.CharField(label=_("Name"), max_length=60)
    methods = forms.MultipleChoiceField(
        label=_("Ways in"),
        choices=Method.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Method.CARD, Method.QR],
        help_text=_("Face recognition may be offered, never alone."),
    )


class EventSearchForm(forms.Form):
    purpose = forms.ChoiceField(label=_("Purpose"), choices=Purpose.choices)
    case_ref = forms.CharField(label=_("Case reference"), max_length=100)
    door = forms.TypedChoiceField(label=_("Door"), coerce=int)
    start = forms.DateTimeField(label=_("From"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))
    end = forms.DateTimeField(label=_("To"), widget=forms.DateTimeInput(attrs={"type": "datetime-local"}))

    def __init__(self, *args, doors=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["door"].choices = [(d.pk, f"{d.place.name} · {d.name}") for d in doors]


class PassForm(forms.Form):
    hours = forms.TypedChoiceField(
        label=_("Valid for"),
        coerce=int,
        initial=4,
        choices=[(2, _("2 hours")), (4, _("4 hours")), (12, _("12 hours")), (24, _("1 day")), (72, _("3 days"))],
    )
    max_uses = forms.IntegerField(label=_("Entries allowed"), min_value=1, max_value=20, initial=2)
    note = forms.CharField(label=_("Note (e.g. who visits)"), max_length=60, required=False)


class CredentialForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=CredentialKind.choices, initial=CredentialKind.CARD)
    value = forms.CharField(
        label=_("Card number or password"), max_length=32, required=False, help_text=_("Empty for a QR code.")
    )
    consent = forms.BooleanField(
        label=_("The resident has given separate consent to face enrolment"),
        required=False,
        help_text=_("Only for face enrolment. The face itself stays on the door device."),
    )
