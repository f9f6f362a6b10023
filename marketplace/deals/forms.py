"""Deal forms: an inquiry, a message with files, an offer with its lines, declining and cancelling.

The offer rules live in `negotiation.check_terms` / `check_line`; the forms run them so that each
message shows next to its field, and the service runs them again.
"""

from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Incoterm, Product, Unit
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.deals import negotiation, services
from marketplace.deals.models import Inspection, PaymentTerms


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    widget = MultipleFileInput

    def clean(self, data, initial=None):
        single = super().clean
        if isinstance(data, list | tuple):
            return [single(item, initial) for item in data if item]
        return [single(data, initial)] if data else []


class InquiryForm(forms.Form):
    message = forms.CharField(
        label=_("Your inquiry"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("Quantities, specifications, the port you ship to, when you need the goods."),
    )


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Message"), max_length=5000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, JPEG, PNG, WEBP, XLSX or DOCX, up to 10 MB each, at most 5."),
    )

    def clean_files(self):
        uploads = self.cleaned_data.get("files") or []
        if len(uploads) > services.MAX_ATTACHMENTS:
            raise ValidationError(
                _("Attach at most %(n)d files to one message.") % {"n": services.MAX_ATTACHMENTS}
            )
        errors = []
        for upload in uploads:
            try:
                services.check_attachment(upload)
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return uploads

    def clean(self):
        data = super().clean()
        if not self.errors and not (data.get("body") or "").strip() and not data.get("files"):
            self.add_error("body", _("Write a message or attach a file."))
        return data


class OfferForm(forms.Form):
    currency = forms.CharField(
        label=_("Currency"),
        max_length=3,
        widget=forms.TextInput(attrs={"list": "deal-currencies", "autocomplete": "off", "size": 4}),
        help_text=_("ISO 4217 code, e.g. USD, EUR, CNY."),
    )
    incoterm = forms.ChoiceField(label=_("Incoterm 2020"), choices=Incoterm.choices)
    named_place = forms.CharField(label=_("Named place"), max_length=100)
    delivery_date = forms.DateField(
        label=_("Delivery date"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    lead_time_days = forms.IntegerField(
        label=_("or lead time (days)"), required=False, min_value=1, max_value=730
    )
    payment_terms = forms.ChoiceField(label=_("Payment terms"), choices=PaymentTerms.choices)
    deposit_percent = forms.IntegerField(label=_("Deposit %"), required=False, min_value=1, max_value=99)
    term_days = forms.IntegerField(label=_("Payment term (days)"), required=False, min_value=1, max_value=360)
    inspection = forms.ChoiceField(label=_("Inspection before shipment"), choices=Inspection.choices)
    valid_until = forms.DateField(label=_("Valid until"), widget=forms.DateInput(attrs={"type": "date"}))
    notes = forms.CharField(
        label=_("Notes"), required=False, max_length=3000, widget=forms.Textarea(attrs={"rows": 3})
    )

    currency_choices = CURRENCY_CHOICES

    def clean_currency(self):
        return self.cleaned_data["currency"].strip().upper()

    def clean(self):
        data = super().clean()
        if not self.errors:
            try:
                data.update(negotiation.check_terms(data))
            except ValidationError as error:
                self.add_error(None, error)
        return data


class OfferLineForm(forms.Form):
    product = forms.ModelChoiceField(label=_("Product"), queryset=Product.objects.none(), required=False)
    description = forms.CharField(label=_("Description"), max_length=300, required=False)
    quantity = forms.DecimalField(label=_("Quantity"), max_digits=14)
    # The first choice is what a browser sends for an untouched row: as the initial, that row stays "unchanged".
    unit = forms.ChoiceField(label=_("Unit"), choices=Unit.choices, initial=Unit.choices[0][0])
    unit_price = forms.DecimalField(label=_("Unit price"), max_digits=19)
    hs_code = forms.CharField(label=_("HS code"), max_length=13, required=False)

    def __init__(self, *args, supplier_id=None, currency="", product_id=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier_id = supplier_id
        self.currency = currency
        # The supplier's public products (the deal's own product too): never a draft or a showcase-only one.
        self.fields["product"].queryset = (
            Product.objects.filter(supplier_id=supplier_id)
            .filter(Q(pk__in=Product.objects.public().values("pk")) | Q(pk=product_id))
            .order_by("name")
        )

    def clean(self):
        data = super().clean()
        if not self.errors and self.has_changed() and self.currency:
            try:
                data.update(
                    negotiation.check_line(data, currency=self.currency, supplier_id=self.supplier_id)
                )
            except ValidationError as error:
                self.add_error(None, error)
        return data


class BaseLineFormSet(forms.BaseFormSet):
    def clean(self):
        if any(self.errors):
            return
        if not [form for form in self.forms if form.has_changed() and not self._should_delete_form(form)]:
            raise ValidationError(_("Add at least one line."))

    def lines(self) -> list[dict]:
        return [
            {name: form.cleaned_data.get(name) for name in negotiation.LINE_FIELDS}
            for form in self.forms
            if form.has_changed() and not self._should_delete_form(form)
        ]


OfferLineFormSet = forms.formset_factory(
    OfferLineForm, formset=BaseLineFormSet, extra=1, max_num=negotiation.MAX_LINES, validate_max=True
)


class ReasonForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))


# -- contract and payments (the order section of the deal page) -------------------------------------------
# Field names are the POST names the pages always used; ids carry the milestone so that the forms of
# several milestones on one page never share an id (the error summary links to them).


class ContractAcceptanceForm(forms.Form):
    name = forms.CharField(
        label=_("Your full name"), max_length=120, widget=forms.TextInput(attrs={"autocomplete": "name"})
    )
    title = forms.CharField(
        label=_("Your title"),
        max_length=120,
        widget=forms.TextInput(attrs={"autocomplete": "organization-title"}),
    )
    sha256 = forms.CharField(max_length=64, widget=forms.HiddenInput)


class PaymentProofForm(forms.Form):
    file = forms.FileField(
        label=_("Proof of payment (PDF, JPEG or PNG)"),
        widget=forms.ClearableFileInput(attrs={"accept": "application/pdf,image/jpeg,image/png"}),
        error_messages={"required": _("Choose the file of the bank slip or L/C copy.")},
    )
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

    def __init__(self, *args, seq: int, **kwargs):
        super().__init__(*args, auto_id=f"id_proof{seq}_%s", **kwargs)


class PaymentConfirmForm(forms.Form):
    paid_on = forms.DateField(
        label=_("Money received on"),
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": _("Enter the date the money arrived as YYYY-MM-DD.")},
    )

    def __init__(self, *args, seq: int, **kwargs):
        super().__init__(*args, auto_id=f"id_paid{seq}_%s", **kwargs)
