"""Forms of the gating pages: one form per grade row of the policy, and the override forms."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.facts import subject_model
from credit.gating import MAX_TERM_DAYS, PAYMENT_TERMS, TERM_SHORT, RuleInput
from credit.kinds import ISO_4217, MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

TERM_CHOICES = [(code, TERM_SHORT[code]) for code in PAYMENT_TERMS]


class PolicyRuleForm(forms.Form):
    """One grade's row: the terms allowed without security, the credit limit, the longest term."""

    allowed_terms = forms.MultipleChoiceField(
        label=_("Payment terms allowed without security"),
        choices=TERM_CHOICES,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    credit_limit = forms.DecimalField(
        label=_("Credit limit"), min_value=Decimal("0"), max_digits=15, decimal_places=2
    )
    max_term_days = forms.IntegerField(label=_("Longest term (days)"), min_value=0, max_value=MAX_TERM_DAYS)

    def rule(self) -> RuleInput:
        data = self.cleaned_data
        return RuleInput(tuple(data["allowed_terms"]), data["credit_limit"], data["max_term_days"])


class PolicyForm(forms.Form):
    """What the whole version carries: its base currency and why it changes."""

    base_currency = forms.CharField(label=_("Base currency"), max_length=3, min_length=3)
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )

    def clean_base_currency(self):
        code = self.cleaned_data["base_currency"].upper()
        if code not in ISO_4217:
            raise forms.ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": code})
        return code


class OverrideTermsForm(forms.Form):
    """The terms an override is about: buyer, reference, payment term, amount, days."""

    subject = forms.IntegerField(label=_("Buyer (company number)"), min_value=1)
    reference = forms.CharField(label=_("Reference"), max_length=100, help_text=_("The deal, e.g. deal:42."))
    action = forms.ChoiceField(label=_("Payment terms"), choices=TERM_CHOICES)
    amount = forms.DecimalField(
        label=_("Amount"),
        min_value=Decimal("0.01"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
    )
    currency = forms.CharField(label=_("Currency"), max_length=3, min_length=3)
    term_days = forms.IntegerField(
        label=_("Term (days)"), min_value=0, max_value=MAX_TERM_DAYS, required=False
    )

    def clean_subject(self):
        pk = self.cleaned_data["subject"]
        subject = subject_model().objects.filter(pk=pk).first()
        if subject is None:
            raise forms.ValidationError(_("There is no company with this number."))
        return subject

    def clean_currency(self):
        code = self.cleaned_data["currency"].upper()
        if code not in ISO_4217:
            raise forms.ValidationError(_("%(code)s is not an ISO 4217 currency code.") % {"code": code})
        return code


class OverrideForm(OverrideTermsForm):
    """A risk officer's override of one refusal (prefilled from the deal page's link), with the reason."""

    reason = forms.CharField(
        label=_("Why this term is allowed despite the policy"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=4000,
    )


class OverrideDecisionForm(forms.Form):
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=2000
    )
