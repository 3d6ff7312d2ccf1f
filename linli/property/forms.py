from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.areas.selectors import place_by_code
from linli.core.dates import BoundedDateField
from linli.core.permissions import restrict
from linli.orgs.models import Organisation, OrgKind

from .models import FeeCategory, Standard


class CompoundFormMixin:
    def clean_compound(self):
        return place_by_code(self.user, self.cleaned_data["compound"], field="compound")


class ContractForm(CompoundFormMixin, forms.Form):
    company = forms.ModelChoiceField(label=_("Property company"), queryset=Organisation.objects.none())
    compound = forms.CharField(label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)))
    starts_on = BoundedDateField(label=_("Contract starts on"))
    ends_on = BoundedDateField(label=_("Contract ends on"))
    standard = forms.ChoiceField(label=_("Service standard level"), choices=Standard.choices)
    hotline = forms.CharField(label=_("Service hotline"), max_length=20)

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)
        self.fields["company"].queryset = restrict(
            Organisation.objects.filter(kind=OrgKind.PROPERTY, is_active=True), user
        )
        for value, label in FeeCategory.choices:
            self.fields[f"fee_{value}"] = forms.DecimalField(
                label=_("%(category)s: yuan per m² per month") % {"category": label},
                required=False,
                min_value=0,
                max_value=1000,
                decimal_places=2,
            )

    def fees(self) -> dict:
        return {
            value: self.cleaned_data[f"fee_{value}"]
            for value in FeeCategory.values
            if self.cleaned_data.get(f"fee_{value}") is not None
        }


class RoundForm(CompoundFormMixin, forms.Form):
    compound = forms.CharField(label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)))
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    quarter = forms.IntegerField(label=_("Quarter"), min_value=1, max_value=4)
    opens_on = BoundedDateField(label=_("Opens on"))
    closes_on = BoundedDateField(label=_("Closes on"))
    items = forms.CharField(
        label=_("Questions, one per line"),
        widget=forms.Textarea(attrs={"rows": 6}),
        max_length=800,
        initial="\n".join(["环境卫生", "秩序维护", "设施维修", "服务态度"]),
    )

    def __init__(self, *args, user, **kwargs):
        self.user = user
        super().__init__(*args, **kwargs)


def stars_from(post, items) -> dict:
    out = {}
    for item in items:
        raw = post.get(f"item_{item.pk}")
        if raw is None or raw == "":
            raise ValidationError({f"item_{item.pk}": _("Give 1 to 5 stars.")})
        out[item.pk] = raw
    return out
