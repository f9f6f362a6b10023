"""Forms of the supplier portal: a product with inline price tiers and specifications, images, certificates, import."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.catalog import services
from marketplace.catalog.filters import CategoryChoiceField
from marketplace.catalog.models import (
    Category,
    CategoryLevel,
    CertificationStandard,
    Incoterm,
    Product,
)
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS


class ProductForm(forms.ModelForm):
    category = CategoryChoiceField(
        queryset=Category.objects.filter(level=CategoryLevel.CHAPTER)
        .select_related("parent")
        .order_by("position"),
        label=_("Category (HS chapter)"),
        to_field_name="code",
    )
    incoterms = forms.MultipleChoiceField(
        label=_("Incoterms offered"),
        choices=Incoterm.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple(attrs={"class": "inline-choices"}),
    )

    class Meta:
        model = Product
        fields = list(services.EDITABLE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_zh": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, supplier=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.supplier = supplier
        # The field is keyed by HS code, the foreign key by id: without this the saved chapter is never
        # selected, and saving an edit fails with "This field is required".
        if self.instance.category_id:
            self.initial["category"] = self.instance.category.code

    def clean_sku(self):
        sku = self.cleaned_data["sku"].strip()
        clash = Product.objects.filter(supplier=self.supplier, sku=sku)
        if self.instance.pk:
            clash = clash.exclude(pk=self.instance.pk)
        if clash.exists():
            raise forms.ValidationError(_("Another of your products already has this SKU."))
        return sku

    def clean(self):
        data = super().clean()
        if data.get("category") and data.get("hs_code"):
            error = services.category_for_hs(data["category"], data["hs_code"])
            if error:
                self.add_error("hs_code", error)
        return data

    def validate_unique(self):
        # The supplier is not a form field; clean_sku checks SKU uniqueness within the supplier.
        pass


class TierForm(forms.Form):
    min_quantity = forms.IntegerField(label=_("From quantity"), min_value=1, required=False)
    unit_price = forms.DecimalField(
        label=_("Unit price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        required=False,
    )
    DELETE = forms.BooleanField(label=_("Remove"), required=False)


class BaseTierFormSet(forms.BaseFormSet):
    def __init__(self, *args, moq=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.moq = moq

    def tiers(self) -> list[services.Tier]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if (
                not data
                or data.get("DELETE")
                or (data.get("min_quantity") is None and data.get("unit_price") is None)
            ):
                continue
            rows.append(
                services.Tier(min_quantity=data.get("min_quantity"), unit_price=data.get("unit_price"))
            )
        return sorted(rows, key=lambda t: t.min_quantity or 0)

    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            data = form.cleaned_data
            if (
                data
                and not data.get("DELETE")
                and (data.get("min_quantity") is None) != (data.get("unit_price") is None)
            ):
                raise forms.ValidationError(_("Each price tier needs both a quantity and a price."))
        tiers = self.tiers()
        errors = services.tier_errors(tiers, moq=self.moq)
        if errors:
            raise forms.ValidationError(errors)


TierFormSet = forms.formset_factory(TierForm, formset=BaseTierFormSet, extra=2, max_num=10, can_delete=False)


class SpecForm(forms.Form):
    name = forms.CharField(label=_("Property"), max_length=100, required=False)
    value = forms.CharField(label=_("Value"), max_length=300, required=False)
    name_zh = forms.CharField(label=_("Property (Chinese)"), max_length=100, required=False)
    value_zh = forms.CharField(label=_("Value (Chinese)"), max_length=300, required=False)


class BaseSpecFormSet(forms.BaseFormSet):
    def specs(self) -> list[services.Spec]:
        rows = []
        for form in self.forms:
            data = getattr(form, "cleaned_data", {})
            if data and data.get("name") and data.get("value"):
                rows.append(
                    services.Spec(
                        data["name"], data["value"], data.get("name_zh", ""), data.get("value_zh", "")
                    )
                )
        return rows

    def clean(self):
        if any(self.errors):
            return
        for form in self.forms:
            data = form.cleaned_data
            if data and bool(data.get("name")) != bool(data.get("value")):
                raise forms.ValidationError(_("Each specification needs a property and a value."))


SpecFormSet = forms.formset_factory(SpecForm, formset=BaseSpecFormSet, extra=3, max_num=40)


class ImageUploadForm(forms.Form):
    image = forms.FileField(
        label=_("Add an image"),
        help_text=_("JPEG, PNG or WebP, at most 8 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png,image/webp"}),
    )


class CertificationForm(forms.Form):
    standard = forms.ChoiceField(label=_("Standard"), choices=CertificationStandard.choices)
    number = forms.CharField(label=_("Certificate number"), max_length=100, required=False)
    issued_by = forms.CharField(label=_("Issued by"), max_length=200, required=False)
    expires_on = forms.DateField(label=_("Expires on"), widget=forms.DateInput(attrs={"type": "date"}))
    file = forms.FileField(
        label=_("Certificate file"),
        required=False,
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
    )


class ImportForm(forms.Form):
    file = forms.FileField(
        label=_("Product file"),
        help_text=_("CSV (UTF-8) or XLSX in the export format; at most 5,000 rows."),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    images = forms.FileField(
        label=_("Images (ZIP, optional)"),
        required=False,
        help_text=_("File names start with the SKU: ABC-100.jpg, ABC-100-2.png …"),
        widget=forms.ClearableFileInput(attrs={"accept": ".zip"}),
    )
