from django import forms
from django.utils.translation import gettext_lazy as _

from .models import ShopItem


class ItemForm(forms.ModelForm):
    class Meta:
        model = ShopItem
        fields = ["name", "description", "price", "stock", "is_active"]


class ShopChoiceForm(forms.Form):
    shop = forms.ModelChoiceField(label=_("Community"), queryset=None)


class RestockForm(forms.Form):
    add = forms.IntegerField(label=_("Add to stock (negative to remove)"))


class AdjustForm(forms.Form):
    amount = forms.DecimalField(label=_("Points (negative to deduct)"), max_digits=10, decimal_places=2)
    note = forms.CharField(label=_("Reason"), max_length=200)


class RuleForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=60)
    points_per_unit = forms.DecimalField(label=_("Points per unit"), max_digits=8, decimal_places=2, min_value=0)
    cap_units = forms.DecimalField(
        label=_("At most units per source (empty: no cap)"), max_digits=8, decimal_places=2, min_value=0, required=False
    )
    is_active = forms.BooleanField(label=_("Active"), required=False)
