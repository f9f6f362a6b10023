from datetime import timedelta

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from marketplace.catalog.models import Unit
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


def _in_days(days: int):
    return lambda: (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)


class ShowcaseForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    message = forms.CharField(
        label=_("Message to buyers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    valid_from = forms.DateTimeField(label=_("Open from"), initial=_in_days(0), widget=DATETIME)
    valid_until = forms.DateTimeField(label=_("Open until"), initial=_in_days(30), widget=DATETIME)


class ShowcaseTextForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    message = forms.CharField(
        label=_("Message to buyers"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ItemTermsForm(forms.Form):
    item = forms.IntegerField(widget=forms.HiddenInput)
    # Buyers see the products in this order; 1 comes first. Ties keep their current order.
    position = forms.IntegerField(
        label=pgettext_lazy("display order", "Order"),
        min_value=1,
        max_value=999,
        required=False,
        widget=forms.NumberInput(attrs={"class": "input-narrow"}),
    )
    price = forms.DecimalField(
        label=_("Showcase price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        min_value=0,
        required=False,
    )
    currency = forms.ChoiceField(label=_("Currency"), choices=[("", "—"), *CURRENCY_CHOICES], required=False)
    min_quantity = forms.IntegerField(label=_("Showcase MOQ"), min_value=1, required=False)
    unit = forms.ChoiceField(label=_("Unit"), choices=[("", "—"), *Unit.choices], required=False)
    terms = forms.CharField(label=_("Terms"), max_length=300, required=False)
    remove = forms.BooleanField(label=_("Remove"), required=False)


ItemTermsFormSet = forms.formset_factory(ItemTermsForm, extra=0, max_num=200)


class InviteForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    days = forms.IntegerField(label=_("Link valid for (days)"), min_value=1, max_value=90, initial=14)


class ExtendForm(forms.Form):
    valid_until = forms.DateTimeField(label=_("New closing date"), widget=DATETIME)


class InterestForm(forms.Form):
    quantity = forms.IntegerField(label=_("Quantity"), min_value=1, required=False)
    message = forms.CharField(
        label=_("Message to the supplier"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
