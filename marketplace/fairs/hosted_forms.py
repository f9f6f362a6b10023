"""Forms of the hosted buyer meeting pages: they validate input; the services decide."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.companies.models import Company
from marketplace.fairs.hosted_services import EVENT_FIELDS
from marketplace.fairs.models import HostedEvent, HostedSide


class EventForm(forms.ModelForm):
    class Meta:
        model = HostedEvent
        fields = list(EVENT_FIELDS)
        widgets = {
            "date": forms.DateInput(attrs={"type": "date"}),
            "apply_by": forms.DateInput(attrs={"type": "date"}),
            "starts_at": forms.TimeInput(attrs={"type": "time"}),
            "ends_at": forms.TimeInput(attrs={"type": "time"}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["partner"].queryset = Company.objects.chambers().order_by("name")


class ApplyForm(forms.Form):
    side = forms.ChoiceField(label=_("I come as"), choices=HostedSide.choices)
    need = forms.CharField(
        label=_("Products you want to buy, or products you will show"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    hs_code = forms.CharField(label=_("HS code (optional)"), max_length=10, required=False)
