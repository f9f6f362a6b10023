"""The need a buyer types on the matches page, read from query parameters (so an RFQ can link to it)."""

from decimal import Decimal

from django import forms
from django.core.validators import MinValueValidator
from django.forms.utils import flatatt
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext_lazy as _
from django_countries import countries

from marketplace.catalog.models import CertificationStandard, Incoterm, Unit, normalize_hs_code
from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.core.money import Money
from marketplace.matchmaking.models import FeedbackKind
from marketplace.matchmaking.ranking import Need


class PlainSelect(forms.Select):
    """A select drawn in Python: the country list has ~250 options, and Django's per-option templates
    cost more than the whole ranking (bench/ranking_speed.py)."""

    def render(self, name, value, attrs=None, renderer=None):
        selected = "" if value is None else str(value)
        final = self.build_attrs(self.attrs, attrs) | {"name": name}
        options = "".join(
            f'<option value="{conditional_escape(code)}"{" selected" if str(code) == selected else ""}>'
            f"{conditional_escape(label)}</option>"
            for code, label in self.choices
        )
        return format_html("<select{}>{}</select>", flatatt(final), mark_safe(options))  # noqa: S308 - escaped above


class PlainCheckboxes(forms.CheckboxSelectMultiple):
    """Checkboxes drawn in Python, for the same reason as PlainSelect."""

    def render(self, name, value, attrs=None, renderer=None):
        chosen = {str(v) for v in (value or ())}
        base = (self.build_attrs(self.attrs, attrs) or {}).get("id", f"id_{name}")
        boxes = "".join(
            format_html(
                '<div><label for="{id}"><input type="checkbox" name="{name}" value="{value}" id="{id}"{checked}> {label}</label></div>',
                id=f"{base}_{i}",
                name=name,
                value=code,
                checked=mark_safe(" checked") if str(code) in chosen else "",  # noqa: S308 - a constant
                label=label,
            )
            for i, (code, label) in enumerate(self.choices)
        )
        return format_html('<div id="{}">{}</div>', base, mark_safe(boxes))  # noqa: S308 - escaped above


class PlainInput(forms.TextInput):
    """An <input> drawn in Python (a widget template per field costs more than the field)."""

    def render(self, name, value, attrs=None, renderer=None):
        final = self.build_attrs(self.attrs, attrs) | {"type": self.input_type, "name": name}
        if value not in (None, ""):
            final["value"] = self.format_value(value)
        return format_html("<input{}>", flatatt(final))


class PlainNumber(forms.NumberInput):
    """A number <input> drawn in Python; a NumberInput, so decimal fields still give it their `step`."""

    render = PlainInput.render


NEED_PARAMS = ("q", "hs", "quantity", "unit", "price", "currency", "country", "incoterm", "cert", "lead")


class NeedForm(forms.Form):
    q = forms.CharField(widget=PlainInput, label=_("What you need"), max_length=300, required=False)
    hs = forms.CharField(
        widget=PlainInput, label=_("HS code"), max_length=14, required=False, help_text=_("e.g. 8477.10")
    )
    quantity = forms.DecimalField(
        widget=PlainNumber,
        label=_("Quantity"),
        required=False,
        max_digits=14,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.001"))],
    )
    unit = forms.ChoiceField(
        widget=PlainSelect, label=_("Unit"), required=False, choices=[("", "—"), *Unit.choices]
    )
    price = forms.DecimalField(
        widget=PlainNumber,
        label=_("Target unit price"),
        required=False,
        max_digits=19,
        decimal_places=4,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )
    currency = forms.ChoiceField(
        widget=PlainSelect, label=_("Currency"), required=False, choices=CURRENCY_CHOICES, initial="USD"
    )
    country = forms.ChoiceField(widget=PlainSelect, label=_("Destination country"), required=False)
    incoterm = forms.ChoiceField(
        widget=PlainSelect, label=_("Incoterm"), required=False, choices=[("", "—"), *Incoterm.choices]
    )
    cert = forms.MultipleChoiceField(
        label=_("Certifications required"),
        required=False,
        choices=CertificationStandard.choices,
        widget=PlainCheckboxes,
    )
    lead = forms.IntegerField(
        widget=PlainNumber, label=_("Longest lead time (days)"), required=False, min_value=1, max_value=365
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["country"].choices = [("", "—"), *countries]

    def clean_hs(self):
        code = normalize_hs_code(self.cleaned_data["hs"])
        if code and (not code.isdigit() or len(code) < 2):
            raise forms.ValidationError(_("Give at least the HS chapter (2 digits), e.g. 84 or 8477.10."))
        return code

    def need(self) -> Need:
        data = self.cleaned_data
        price = data.get("price")
        return Need(
            text=data.get("q") or "",
            hs_code=data.get("hs") or "",
            quantity=data.get("quantity"),
            unit=data.get("unit") or "",
            target_price=Money(price, data.get("currency") or "USD") if price else None,
            destination_country=data.get("country") or "",
            incoterm=data.get("incoterm") or "",
            certifications=tuple(data.get("cert") or ()),
            max_lead_time_days=data.get("lead"),
        )


def asks_for_need(params) -> bool:
    """The request names a need (any of its fields), rather than asking for "suppliers for you"."""
    return any(params.get(name) for name in NEED_PARAMS)


class FeedbackForm(forms.Form):
    supplier = forms.SlugField()
    kind = forms.ChoiceField(choices=[*FeedbackKind.choices, ("restore", _("Show again"))])
