"""The forms of export credit insurance; the services validate the rules, these only read input."""

import datetime as dt

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS
from marketplace.insurance.rates import GRADE_ROWS, TERM_BANDS


def _amount(label, **kwargs):
    return forms.DecimalField(
        label=label, max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, min_value=0, **kwargs
    )


class CoverRequestForm(forms.Form):
    insurer = forms.ModelChoiceField(label=_("Insurer"), queryset=Company.objects.none(), empty_label=None)
    amount = _amount(_("Limit applied for"))
    term_days = forms.IntegerField(label=_("Term (days)"), min_value=0, max_value=720)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["insurer"].queryset = Company.objects.insurers().order_by("name")


class LimitDecisionForm(forms.Form):
    OUTCOMES = (("approve", _("Approve")), ("reduce", _("Approve a reduced limit")), ("refuse", _("Refuse")))
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    amount = _amount(_("Limit"), required=False)
    max_term_days = forms.IntegerField(
        label=_("Maximum term (days)"), min_value=1, max_value=720, required=False
    )
    valid_until = forms.DateField(
        label=_("Valid until"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    @staticmethod
    def initial_for(limit) -> dict:
        suggested = limit.suggestion.get("suggested_amount")
        return {
            "outcome": "approve",
            "amount": suggested if suggested and suggested != "0" else limit.requested_amount,
            "max_term_days": max(limit.requested_term_days, 30),
            "valid_until": timezone.localdate() + dt.timedelta(days=365),
        }


class DeclarationForm(forms.Form):
    shipment = forms.TypedChoiceField(label=_("Shipment"), coerce=int)
    insured_amount = _amount(_("Insured amount"))

    def __init__(self, *args, shipments=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["shipment"].choices = [
            (s.pk, f"{s.number} · {s.shipped_on.isoformat()} · {s.carrier} {s.tracking_reference}")
            for s in shipments
        ]


class ClaimDecisionForm(forms.Form):
    OUTCOMES = (("pay", _("Pay the indemnity")), ("reject", _("Reject the claim")))
    outcome = forms.ChoiceField(label=_("Decision"), choices=OUTCOMES, widget=forms.RadioSelect)
    paid_on = forms.DateField(
        label=_("Paid on"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    grade = forms.ChoiceField(label=_("Buyer grade"), choices=[(g, g) for g in GRADE_ROWS])
    max_term_days = forms.TypedChoiceField(
        label=_("Up to term (days)"), coerce=int, choices=[(b, str(b)) for b in TERM_BANDS]
    )
    rate_percent = forms.DecimalField(
        label=_("Premium rate (%)"), max_digits=6, decimal_places=3, min_value=0, max_value=100
    )
