"""Forms of the fulfilment steps: they read and type the input; the services in visits/shipments/disputes/
ratings decide everything else, and their ValidationErrors land next to the fields here (`show_errors`)."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from marketplace.deals.models import (
    DisputeReason,
    DisputeResolution,
    ShipmentDocumentKind,
    TransportMode,
    VisitMode,
    VisitOutcome,
)
from marketplace.deals.visits import CHECKLIST


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input; the services check each by content."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        kwargs.setdefault("required", False)
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(item, initial) for item in data if item]
        return [super().clean(data, initial)] if data else []


def _datetime_field(label, required=True):
    return forms.DateTimeField(
        label=label,
        required=required,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


def _date_field(label):
    return forms.DateField(label=label, widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))


def show_errors(form: forms.Form, error: ValidationError) -> None:
    """A service's ValidationError onto the form: by field where it names one, else at the top."""
    if hasattr(error, "error_dict"):
        for name, errors in error.error_dict.items():
            form.add_error(name if name in form.fields else None, [m for e in errors for m in e.messages])
    else:
        form.add_error(None, error.messages)


class VisitRequestForm(forms.Form):
    mode = forms.ChoiceField(label=_("Kind of visit"), choices=VisitMode.choices, widget=forms.RadioSelect)
    proposed_1 = _datetime_field(_("Proposed time"))
    proposed_2 = _datetime_field(_("Second proposed time"), required=False)
    proposed_3 = _datetime_field(_("Third proposed time"), required=False)
    inspector_email = forms.EmailField(
        label=_("Third-party inspector (email)"),
        required=False,
        help_text=_("Optional: someone with a TrustFair account who visits and files the report for you."),
    )
    note = forms.CharField(
        label=_("Note to the supplier"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    def times(self):
        return [self.cleaned_data.get(f"proposed_{i}") for i in (1, 2, 3)]


class VisitConfirmForm(forms.Form):
    time = forms.ChoiceField(label=_("Visit time"), widget=forms.RadioSelect)

    def __init__(self, *args, visit, **kwargs):
        super().__init__(*args, **kwargs)
        self.by_value = {t.isoformat(): t for t in visit.proposed}
        self.fields["time"].choices = [(value, t) for value, t in self.by_value.items()]

    def chosen(self):
        return self.by_value[self.cleaned_data["time"]]


class VisitReportForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=VisitOutcome.choices, widget=forms.RadioSelect)
    checklist = forms.MultipleChoiceField(
        label=_("Checked and found in order"),
        choices=CHECKLIST,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    notes = forms.CharField(label=_("Findings"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    photos = MultipleFileField(label=_("Photos"), help_text=_("JPEG, PNG or WEBP, up to 12."))

    def answers(self):
        return dict.fromkeys(self.cleaned_data["checklist"], True)


class ShipmentForm(forms.Form):
    mode = forms.ChoiceField(label=_("Transport"), choices=TransportMode.choices)
    carrier = forms.CharField(label=_("Carrier"), max_length=100)
    tracking_reference = forms.CharField(label=_("Tracking reference"), max_length=100)
    shipped_on = _date_field(_("Shipped on"))
    notes = forms.CharField(label=_("Notes"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    documents = forms.Field(required=False, widget=forms.HiddenInput)  # where the service's errors go

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for kind, label in ShipmentDocumentKind.choices:
            self.fields[kind] = forms.FileField(label=label, required=False)

    def uploads(self):
        return [
            (kind, self.cleaned_data[kind])
            for kind in ShipmentDocumentKind.values
            if self.cleaned_data.get(kind)
        ]


class DeliveryForm(forms.Form):
    delivered_on = _date_field(_("Delivered on"))
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))


class DisputeForm(forms.Form):
    reason = forms.ChoiceField(label=_("What is wrong"), choices=DisputeReason.choices)
    description = forms.CharField(label=_("Describe the problem"), widget=forms.Textarea(attrs={"rows": 5}))
    claimed_amount = forms.CharField(label=_("Amount claimed"), required=False, max_length=30)
    files = MultipleFileField(label=_("Evidence"), help_text=_("PDF, JPEG or PNG."))


class DisputeAnswerForm(forms.Form):
    answer = forms.CharField(label=_("The supplier's answer"), widget=forms.Textarea(attrs={"rows": 5}))
    files = MultipleFileField(label=_("Evidence"), help_text=_("PDF, JPEG or PNG."))


class DisputeResolveForm(forms.Form):
    resolution = forms.ChoiceField(
        label=_("Decision"), choices=DisputeResolution.choices, widget=forms.RadioSelect
    )
    refund_amount = forms.CharField(label=_("Refund (partial refunds only)"), required=False, max_length=30)
    reason = forms.CharField(label=_("Reason for the decision"), widget=forms.Textarea(attrs={"rows": 4}))


class RatingForm(forms.Form):
    score = forms.TypedChoiceField(
        label=_("Rating"),
        choices=[(i, f"{i} ★") for i in range(5, 0, -1)],
        coerce=int,
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
