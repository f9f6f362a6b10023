from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.companies import services
from marketplace.companies.models import TRADING_KINDS, Company, DocumentKind, MemberRole
from marketplace.companies.services import PROFILE_FIELDS


class CompanyForm(forms.ModelForm):
    class Meta:
        model = Company
        fields = list(PROFILE_FIELDS)
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "description_zh": forms.Textarea(attrs={"rows": 4}),
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        kind = self.fields["kind"]
        if self.instance.pk and self.instance.is_partner:
            # A bank, an insurer or a chamber is one because an operator said so; its owners cannot change it.
            kind.disabled = True
        else:
            kind.choices = [(value, label) for value, label in kind.choices if value in TRADING_KINDS]


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("Email address"))
    role = forms.ChoiceField(label=_("Role"), choices=MemberRole.choices, initial=MemberRole.STAFF)


class DocumentUploadForm(forms.Form):
    kind = forms.ChoiceField(label=_("Document"), choices=DocumentKind.choices)
    file = forms.FileField(
        label=_("File"),
        help_text=_("PDF, JPEG or PNG, at most 10 MB."),
        widget=forms.ClearableFileInput(
            attrs={"accept": ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"}
        ),
    )


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(
        label=_("Decision"),
        choices=[("approve", _("Approve")), ("reject", _("Reject"))],
        widget=forms.RadioSelect,
    )
    valid_until = forms.DateField(
        label=_("Valid until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("When approving: the last day the document is valid, as printed on it."),
    )
    no_end_date = forms.BooleanField(
        label=_("The document states no end date (e.g. 长期, long-term)"), required=False
    )
    reason = forms.CharField(
        label=_("Reason"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required when rejecting; the company will read it."),
    )

    def clean(self):
        data = super().clean()
        decision = data.get("decision")
        if decision == "reject" and not (data.get("reason") or "").strip():
            self.add_error("reason", _("Say why the document is rejected: the company will read it."))
        if decision == "approve":
            valid_until, no_end = data.get("valid_until"), data.get("no_end_date")
            if valid_until and no_end:
                self.add_error("valid_until", _("Give the last valid day or tick “no end date”, not both."))
            elif not valid_until and not no_end and "valid_until" not in self.errors:
                self.add_error(
                    "valid_until",
                    _("Enter the last day the document is valid, or tick “no end date” if it states none."),
                )
            elif valid_until and (problem := services.expiry_problem(valid_until)):
                self.add_error("valid_until", problem)
        return data
