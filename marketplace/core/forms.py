"""Forms of the shared layer's operator pages."""

from django import forms
from django.utils.translation import gettext_lazy as _

from marketplace.core.fx import MAX_UPLOAD_BYTES


class FxRateUploadForm(forms.Form):
    file = forms.FileField(
        label=_("ECB reference-rate file"),
        help_text=_(
            "eurofxref.csv (one day) or eurofxref-hist.csv (every day since 1999), or the zip the ECB serves."
        ),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > MAX_UPLOAD_BYTES:
            raise forms.ValidationError(_("The file is too large."))
        return upload
