"""Forms of sourcing requests and quotations. The rules live in `rfq_services.check_*`: the forms run
them so that each message shows next to its field, and the services run them again."""

import datetime as dt
from decimal import Decimal

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.catalog.models import Category, CategoryLevel, CertificationStandard, Incoterm, Unit
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.companies.models import Company
from marketplace.deals.forms import MultipleFileField
from marketplace.deals.models import PaymentTerms
from marketplace.matchmaking import rfq_services as services
from marketplace.matchmaking.models import RfqVisibility, SampleFreight, SampleTerms

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIER_ROWS = 4


def _apply_errors(form: forms.Form, error: ValidationError, fallback: str | None = None) -> None:
    if hasattr(error, "error_dict"):
        for name, messages in error.message_dict.items():
            target = name if name in form.fields else fallback
            for message in messages:
                form.add_error(target, message)
    else:
        form.add_error(fallback, error)


def plain_number(value: Decimal) -> str:
    """A decimal without the zeros its column pads it with and never in exponent form: 3.000 → "3",
    1000 → "1000" (not `normalize()`'s "1E+3"), 0.0125 → "0.0125"."""
    return f"{value.normalize():f}"


class PlainDecimalField(forms.DecimalField):
    """A DecimalField whose value shows as the number it is: an MOQ of 3 stays "3", not "3.000"."""

    def prepare_value(self, value):
        return plain_number(value) if isinstance(value, Decimal) and value.is_finite() else value


class ChapterChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return obj.label


class RfqForm(forms.Form):
    title = forms.CharField(
        label=_("What you need"),
        max_length=200,
        help_text=_("In English or Chinese, e.g. “Stainless steel ball valves DN50”."),
    )
    description = forms.CharField(
        label=_("Details"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Specifications, materials, packing, anything a supplier must know."),
    )
    category = ChapterChoiceField(
        label=_("HS category"),
        queryset=Category.objects.filter(level=CategoryLevel.CHAPTER).order_by("position"),
    )
    quantity = forms.CharField(label=_("Quantity"), max_length=20)
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.PIECE)
    target_price = forms.CharField(label=_("Target unit price (optional)"), required=False, max_length=24)
    target_currency = forms.CharField(
        label=_("Currency"),
        required=False,
        max_length=3,
        initial="USD",
        help_text=_("ISO code, e.g. USD, EUR, CNY."),
    )
    destination_country = forms.ChoiceField(label=_("Destination country"), choices=[])
    destination_port = forms.CharField(label=_("Destination port"), max_length=100)
    incoterm = forms.ChoiceField(
        label=_("Preferred Incoterm"), choices=Incoterm.choices, initial=Incoterm.FOB
    )
    certifications = forms.MultipleChoiceField(
        label=_("Required certifications"),
        choices=CertificationStandard.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    sample_needs = forms.CharField(
        label=_("Samples"), required=False, max_length=300, help_text=_("e.g. 2 samples before the order.")
    )
    closes_on = forms.DateField(label=_("Closing date"), widget=DATE)
    visibility = forms.ChoiceField(
        label=_("Who may quote"),
        choices=RfqVisibility.choices,
        initial=RfqVisibility.CATEGORY,
        widget=forms.RadioSelect,
    )
    invited = forms.ModelMultipleChoiceField(
        label=_("Invited suppliers"),
        queryset=Company.objects.none(),
        required=False,
        help_text=_("Needed when only invited suppliers may quote; they are told at once."),
    )
    quotations_wanted = forms.IntegerField(
        label=_("Quotations wanted"),
        initial=10,
        min_value=1,
        max_value=50,
        help_text=_("The request closes at this count or at its closing date, whichever comes first."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, WEBP, XLSX or DOCX, up to 10 MB each, at most 5."),
    )

    def __init__(self, *args, buyer: Company, **kwargs):
        super().__init__(*args, **kwargs)
        self.buyer = buyer
        self.fields["destination_country"].choices = [("", "—"), *countries]
        self.fields["invited"].queryset = Company.objects.suppliers().exclude(pk=buyer.pk).order_by("name")
        if not self.is_bound and "closes_on" not in self.initial:
            self.initial["closes_on"] = timezone.localdate() + dt.timedelta(days=14)

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            self.rfq_data = services.check_rfq(data)
        except ValidationError as error:
            _apply_errors(self, error)
            return data
        try:
            services.check_invited(
                data.get("invited") or [], visibility=self.rfq_data["visibility"], buyer=self.buyer
            )
            services.check_attachments(data.get("files") or [])
        except ValidationError as error:
            _apply_errors(self, error)
        return data


class QuotationForm(forms.Form):
    currency = forms.ChoiceField(label=_("Currency"), choices=CURRENCY_CHOICES, initial="USD")
    incoterm = forms.ChoiceField(label=_("Incoterm 2020"), choices=Incoterm.choices)
    named_place = forms.CharField(label=_("Named place"), max_length=100, help_text=_("e.g. Ningbo"))
    lead_time_days = forms.IntegerField(label=_("Lead time (days)"), min_value=1, max_value=730)
    moq = PlainDecimalField(label=_("Minimum order quantity"), max_digits=14, decimal_places=3)
    valid_until = forms.DateField(label=_("Valid until"), widget=DATE)
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    deposit_percent = forms.IntegerField(label=_("Deposit %"), required=False, min_value=1, max_value=99)
    term_days = forms.IntegerField(label=_("Payment term (days)"), required=False, min_value=1, max_value=360)
    sample_terms = forms.ChoiceField(
        label=_("Samples"), choices=SampleTerms.choices, initial=SampleTerms.NONE
    )
    sample_price = PlainDecimalField(label=_("Sample price"), required=False, max_digits=19, decimal_places=4)
    sample_freight = forms.ChoiceField(
        label=_("Sample freight"), required=False, choices=[("", "—"), *SampleFreight.choices]
    )
    certificates = forms.ModelMultipleChoiceField(
        label=_("Certificates held"),
        queryset=None,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("From your catalog: current certificates of your products."),
    )
    message = forms.CharField(
        label=_("Message"), required=False, max_length=5000, widget=forms.Textarea(attrs={"rows": 4})
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, WEBP, XLSX or DOCX, up to 10 MB each, at most 5."),
    )

    def __init__(self, *args, supplier: Company, **kwargs):
        from marketplace.catalog.models import ProductCertification

        super().__init__(*args, **kwargs)
        self.fields["certificates"].queryset = (
            ProductCertification.objects.filter(
                product__supplier=supplier, expires_on__gte=timezone.localdate()
            )
            .select_related("product")
            .order_by("standard", "pk")
        )
        self.fields["certificates"].label_from_instance = lambda c: f"{c.standard} · {c.product.display_name}"
        for i in range(1, TIER_ROWS + 1):
            self.fields[f"tier_qty_{i}"] = forms.CharField(
                label=_("Tier %(n)d: from quantity") % {"n": i}, required=False, max_length=20
            )
            self.fields[f"tier_price_{i}"] = forms.CharField(
                label=_("Tier %(n)d: unit price") % {"n": i}, required=False, max_length=24
            )

    def tiers(self) -> list[tuple[str, str]]:
        return [
            (self.cleaned_data.get(f"tier_qty_{i}") or "", self.cleaned_data.get(f"tier_price_{i}") or "")
            for i in range(1, TIER_ROWS + 1)
        ]

    def certificate_ids(self) -> list[int]:
        return [c.pk for c in self.cleaned_data.get("certificates") or []]

    def clean(self):
        data = super().clean()
        if self.errors:
            return data
        try:
            clean = services.check_quotation(data)
            services.check_tiers(self.tiers(), currency=clean["currency"])
            services.check_attachments(data.get("files") or [])
        except ValidationError as error:
            _apply_errors(self, error, fallback="tier_qty_1")
        return data


class DeclineForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason (the supplier sees it)"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class MarketsForm(forms.Form):
    markets = forms.MultipleChoiceField(
        label=_("Markets served"),
        required=False,
        choices=[],
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text=_(
            "Requests open to your category show only for these destinations; choose none for every market."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["markets"].choices = list(countries)
