from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.models import Place
from linli.core import dates
from linli.core.permissions import Action, restrict

from .models import CardSettings, CardType, Indicator
from .providers import providers


class RunForm(forms.Form):
    place = forms.ModelChoiceField(
        label=_("Place"),
        queryset=Place.objects.none(),
        help_text=_("The district, street or community whose subjects are scored."),
    )
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    card_type = forms.ChoiceField(label=_("Card"), choices=CardType.choices)

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["place"].queryset = restrict(Place.objects.filter(level__lte=3), user).order_by("path")
        self.fields["year"].initial = dates.today().year - 1


class ObjectionForm(forms.Form):
    text = forms.CharField(label=_("Objection"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class AnswerForm(forms.Form):
    response = forms.CharField(label=_("Answer"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


class IndicatorForm(forms.ModelForm):
    class Meta:
        model = Indicator
        fields = ["label", "provider", "target", "max_points", "weight", "order", "is_active", "note"]

    def __init__(self, *args, card_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["provider"] = forms.ChoiceField(label=_("Computed by"), choices=providers.choices(card_type))


class SettingsForm(forms.ModelForm):
    class Meta:
        model = CardSettings
        fields = ["star2", "star3", "star4", "star5", "notice_days"]


def can_view_any(user) -> bool:
    return bool(user) and restrict(Place.objects.filter(level__lte=3), user, Action.VIEW).exists()
