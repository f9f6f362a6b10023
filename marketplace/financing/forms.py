"""The financing forms: read input only; the rules live in services.py (errors come back to their field)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.financing.models import MAX_TERM_DAYS, ApplicationStatus, FinancingKind


def _money(label):
    return forms.DecimalField(label=label, max_digits=19, decimal_places=4, min_value=0)


def _date(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def add_service_error(form: forms.Form, error: ValidationError) -> None:
    """Put a service's refusal at the field it names (the form's own fields), the rest above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class ApplicationForm(forms.Form):
    """Pre-shipment financing against the deal's confirmed order, or post-shipment against its insured invoice."""

    kind = forms.ChoiceField(
        label=_("Financing against"),
        choices=FinancingKind.choices,
        widget=forms.RadioSelect,
        initial=FinancingKind.PRE_SHIPMENT,
        required=False,
    )
    bank = forms.ModelChoiceField(label=_("Bank"), queryset=Company.objects.none(), empty_label=None)
    amount = _money(_("Amount"))
    currency = forms.CharField(
        label=_("Currency"), max_length=3, help_text=_("ISO 4217 code, e.g. USD, EUR, CNY.")
    )
    term_days = forms.IntegerField(
        label=_("Term (days)"),
        min_value=1,
        max_value=MAX_TERM_DAYS,
        help_text=_("At most %(max)d days.") % {"max": MAX_TERM_DAYS},
    )
    note = forms.CharField(
        label=_("Note to the bank"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["bank"].queryset = Company.objects.banks().order_by("name")

    def clean_kind(self):
        return self.cleaned_data.get("kind") or FinancingKind.PRE_SHIPMENT

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()


class TermsForm(forms.Form):
    """The bank's terms: to approve, or as a counter-offer."""

    amount = _money(_("Amount"))
    rate = forms.DecimalField(
        label=_("Interest rate (% a year)"), max_digits=6, decimal_places=3, min_value=0, max_value=100
    )
    term_days = forms.IntegerField(label=_("Term (days)"), min_value=1, max_value=MAX_TERM_DAYS)


class DeclineForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class DisburseForm(forms.Form):
    amount = _money(_("Amount paid out"))
    disbursed_on = _date(_("Paid out on"))


class RepaymentForm(forms.Form):
    amount = _money(_("Amount received"))
    paid_on = _date(_("Received on"))


STATUS_FILTER_CHOICES = [("", _("All")), ("pending", _("Waiting for a decision")), *ApplicationStatus.choices]


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=STATUS_FILTER_CHOICES, required=False)
