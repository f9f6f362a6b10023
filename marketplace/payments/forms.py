from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class MethodForm(forms.Form):
    method = forms.ChoiceField(
        label=_("How do you pay?"),
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose how you pay.")},
    )

    def __init__(self, *args, choices, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["method"].choices = choices


class CardForm(forms.Form):
    """Card details, sent by TrustFair's server to the local test server only (production: Stripe Elements)."""

    number = forms.RegexField(
        label=_("Card number"),
        regex=r"^\d{16}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-number"}),
        error_messages={
            "invalid": _("Enter the 16 digits of the card number."),
            "required": _("Enter the card number."),
        },
    )
    exp_month = forms.IntegerField(
        label=_("Expiry month"),
        min_value=1,
        max_value=12,
        error_messages={
            "required": _("Enter the expiry month."),
            "min_value": _("Enter a month from 1 to 12."),
            "max_value": _("Enter a month from 1 to 12."),
        },
    )
    exp_year = forms.IntegerField(
        label=_("Expiry year"),
        min_value=2000,
        max_value=2100,
        error_messages={
            "required": _("Enter the expiry year."),
            "min_value": _("Enter the year as four digits."),
            "max_value": _("Enter the year as four digits."),
        },
    )
    cvc = forms.RegexField(
        label=_("Security code (CVC)"),
        regex=r"^\d{3}$",
        widget=forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "cc-csc"}),
        error_messages={
            "invalid": _("Enter the 3 digits on the back of the card."),
            "required": _("Enter the security code."),
        },
    )

    def clean(self):
        data = super().clean()
        month, year = data.get("exp_month"), data.get("exp_year")
        if month and year:
            today = timezone.localdate()
            if (year, month) < (today.year, today.month):
                self.add_error("exp_year", _("This card has expired."))
        return data

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("auto_id", "id_card_%s")
        super().__init__(*args, **kwargs)


class RefundForm(forms.Form):
    amount = forms.DecimalField(
        label=_("Amount to refund"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        error_messages={
            "required": _("Enter the amount to refund."),
            "invalid": _("Enter an amount such as 1250.00."),
        },
    )
    reason = forms.CharField(label=_("Reason"), max_length=300, required=False)
