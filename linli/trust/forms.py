"""Forms of the trust pages. Amounts are ``DecimalField``s (exact, two digits of fen); places are picked."""

from __future__ import annotations

import datetime as dt
import re

from django import forms
from django.utils.translation import gettext_lazy as _

from linli.areas.pickers import PlacePicker
from linli.core.dates import BoundedDateField

from . import chart
from .models import ApprovingBody, Scheme

MONTH = re.compile(r"^(\d{4})-(\d{2})$")


def amount_field(label=None, required=True):
    return forms.DecimalField(
        label=label or _("Amount (yuan)"), max_digits=14, decimal_places=2, min_value=0, required=required
    )


class MonthField(forms.CharField):
    """A month, typed or picked as YYYY-MM; cleaned to its first day."""

    widget = forms.TextInput(attrs={"type": "month", "placeholder": "2026-03"})

    def to_python(self, value):
        value = (value or "").strip()
        if not value:
            return None
        m = MONTH.match(value)
        try:
            return dt.date(int(m.group(1)), int(m.group(2)), 1) if m else None
        except ValueError:
            return None

    def validate(self, value):
        if value is None and self.required:
            raise forms.ValidationError(_("Enter a month as YYYY-MM."))


class AccountForm(forms.Form):
    compound = forms.CharField(label=_("Compound"), max_length=24, widget=PlacePicker(levels=(4,)))
    scheme = forms.ChoiceField(label=_("Scheme"), choices=Scheme.choices)
    trustee = forms.ModelChoiceField(label=_("Trustee (property company)"), queryset=None, required=False)
    monthly_rate = amount_field(_("Monthly fee per m² (yuan)"))
    opened_on = BoundedDateField(label=_("Opened on"), family="event")
    bank_account = forms.CharField(label=_("Bank account"), max_length=60, required=False)

    def __init__(self, *args, companies, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["trustee"].queryset = companies


class BillForm(forms.Form):
    period = MonthField(label=_("Month billed"))
    house = forms.CharField(
        label=_("Only this unit"),
        max_length=24,
        required=False,
        widget=PlacePicker(levels=(7,)),
        help_text=_("Empty: every unit of the compound."),
    )


class CollectForm(forms.Form):
    bill = forms.ModelChoiceField(label=_("Bill"), queryset=None)
    amount = amount_field()
    date = BoundedDateField(label=_("Paid on"), family="event")

    def __init__(self, *args, bills, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bill"].queryset = bills
        self.fields["bill"].label_from_instance = lambda b: f"{b.period:%Y-%m} · {b.house.name} · {b.outstanding}"


class SpendForm(forms.Form):
    date = BoundedDateField(label=_("Paid on"), family="event")
    category = forms.ChoiceField(label=_("Category"))
    amount = amount_field()
    payee = forms.CharField(label=_("Payee"), max_length=100)
    memo = forms.CharField(label=_("What for"), max_length=200)
    receipt = forms.FileField(label=_("Receipt (photo or PDF)"), required=False)
    approver = forms.CharField(
        label=_("Approved by"), max_length=60, help_text=_("Who approved the payment, e.g. 业委会主任 赵某.")
    )

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [(c, chart.line(scheme, c).name) for c in chart.spending_codes(scheme)]


class RemunerationForm(forms.Form):
    date = BoundedDateField(label=_("Paid on"), family="event")
    amount = amount_field()
    approver = forms.CharField(label=_("Approved by"), max_length=60)
    memo = forms.CharField(label=_("Memo"), max_length=200, required=False)
    receipt = forms.FileField(label=_("Invoice (photo or PDF)"), required=False)


class CloseForm(forms.Form):
    month = MonthField(label=_("Month to close"))


class ReverseForm(forms.Form):
    date = BoundedDateField(label=_("Date of the correction"), family="event")
    reason = forms.CharField(label=_("Reason"), max_length=120)


class BudgetForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=2000, max_value=2100)
    approved_on = BoundedDateField(label=_("Resolution date"), family="event")
    approving_body = forms.ChoiceField(label=_("Approved by"), choices=ApprovingBody.choices)
    resolution_ref = forms.CharField(label=_("Resolution number"), max_length=60, required=False)
    document = forms.FileField(label=_("Signed resolution (photo or PDF)"))

    def __init__(self, *args, scheme, **kwargs):
        super().__init__(*args, **kwargs)
        self.codes = [ln.code for ln in chart.chart(scheme) if ln.kind in ("income", "expense")]
        for ln in chart.chart(scheme):
            if ln.kind in ("income", "expense"):
                self.fields[f"line_{ln.code}"] = amount_field(ln.name, required=False)

    def lines(self) -> dict:
        return {c: self.cleaned_data.get(f"line_{c}") for c in self.codes}
