from django import forms
from django.utils.translation import gettext_lazy as _

from .models import Wish


class WishForm(forms.ModelForm):
    class Meta:
        model = Wish
        fields = ["title", "need", "kind", "estimated_value", "fulfil_within_days"]
        widgets = {"need": forms.Textarea(attrs={"rows": 3})}


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class ClaimForm(forms.Form):
    claim_as = forms.ChoiceField(label=_("Claim as"))
    share = forms.DecimalField(label=_("Share (%)"), min_value=1, max_value=100, decimal_places=2, initial=100)

    def __init__(self, *args, options=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.options = list(options)
        self.fields["claim_as"].choices = [
            (f"{kind}:{org.pk if org else ''}", label) for kind, label, org in self.options
        ]

    def claimer(self):
        kind, _sep, org_pk = self.cleaned_data["claim_as"].partition(":")
        org = next((o for k, _l, o in self.options if k == kind and o is not None and str(o.pk) == org_pk), None)
        return kind, org


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(d, initial) for d in data]
        return [single(data, initial)] if data else []


class FulfilForm(forms.Form):
    note = forms.CharField(
        label=_("What was done"), max_length=300, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    photos = MultipleFileField(
        label=_("Photos (proof)"),
        required=False,
        widget=MultipleFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )
