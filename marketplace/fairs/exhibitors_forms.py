"""Forms of the exhibitor pages: applying to exhibit, and the operator's decision."""

from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.models import Product, ProductStatus
from marketplace.companies.models import Industry
from marketplace.fairs.models import Booth, FairPhase

BOOTH_SIZES = [(9, _("9 m² (standard, 3 × 3)")), (18, _("18 m² (double)")), (36, _("36 m² (island)"))]


class ApplicationForm(forms.Form):
    industries = forms.ModelMultipleChoiceField(
        label=_("Categories"), queryset=None, widget=forms.CheckboxSelectMultiple
    )
    booth_size_sqm = forms.TypedChoiceField(label=_("Booth size wanted"), choices=BOOTH_SIZES, coerce=int)
    products = forms.ModelMultipleChoiceField(
        label=_("Products to show"),
        queryset=Product.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(
        label=_("Note to the organiser"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def __init__(self, *args, phase: FairPhase, company, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["industries"].queryset = phase.industries.all()
        self.fields["products"].queryset = Product.objects.filter(
            supplier=company, status=ProductStatus.PUBLISHED
        ).order_by("name")


class ApproveForm(forms.Form):
    booth = forms.ModelChoiceField(label=_("Booth"), queryset=Booth.objects.none())

    def __init__(self, *args, application, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["booth"].queryset = (
            # Only free booths in a zone of one of the application's categories (or in no zone).
            Booth.objects.filter(phase=application.phase, exhibitor__isnull=True)
            .filter(Q(zone_industry__isnull=True) | Q(zone_industry__in=application.industries.all()))
            .select_related("hall", "zone_industry")
            .order_by("hall__code", "row", "column")
        )
        self.fields["booth"].label_from_instance = lambda b: (
            f"{b.number} · {b.size_sqm} m²"
            + (f" · {b.zone_industry.display_name}" if b.zone_industry else "")
        )


class RejectForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)


class GridForm(forms.Form):
    """The admin's "generate grid" action: rows × columns of one size in one zone."""

    phase = forms.ModelChoiceField(label=_("Phase"), queryset=FairPhase.objects.none())
    rows = forms.IntegerField(label=_("Rows"), min_value=1, max_value=40, initial=4)
    columns = forms.IntegerField(label=_("Columns"), min_value=1, max_value=40, initial=10)
    size_sqm = forms.IntegerField(label=_("Size (m²)"), min_value=1, initial=9)
    zone_industry = forms.ModelChoiceField(label=_("Zone (industry)"), queryset=None, required=False)

    def __init__(self, *args, hall, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["phase"].queryset = FairPhase.objects.filter(session=hall.session_id)
        self.fields["zone_industry"].queryset = Industry.objects.all()
