from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy as _

from credit.imports import FORMATS
from credit.models import Source

MAX_UPLOAD_BYTES = 200 * 1024 * 1024


class FactFileUploadForm(forms.Form):
    """An operator's upload of a partner file: which source it comes from and the file itself."""

    source = forms.ModelChoiceField(label=_("Data source"), queryset=Source.objects.filter(is_active=True))
    file = forms.FileField(label=_("File"), help_text=_("CSV with a header row, or JSON Lines (.jsonl)."))

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in FORMATS:
            raise forms.ValidationError(_("Upload a .csv or .jsonl file."))
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is larger than 200 MB; use the import command instead."))
        return upload


class PromoteForm(forms.Form):
    """A risk officer's promotion of a challenger; forcing past the rule needs a reason."""

    force = forms.BooleanField(label=_("Promote even if the rule refuses"), required=False)
    reason = forms.CharField(label=_("Reason"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
