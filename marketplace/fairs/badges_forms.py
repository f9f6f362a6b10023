from django import forms
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from marketplace.companies.models import Industry, Membership


class BuyerRegistrationForm(forms.Form):
    full_name = forms.CharField(
        label=_("Name as printed on the badge"),
        max_length=200,
        help_text=_("In Latin or Chinese characters."),
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        queryset=Industry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class StaffRegistrationForm(forms.Form):
    member = forms.ModelChoiceField(label=_("Member of your company"), queryset=Membership.objects.none())
    full_name = forms.CharField(label=_("Name as printed on the badge"), max_length=200)

    def __init__(self, *args, company, **kwargs):
        super().__init__(*args, **kwargs)
        field = self.fields["member"]
        field.queryset = Membership.objects.filter(company=company).select_related("user")
        field.label_from_instance = lambda m: m.user.get_full_name() or m.user.email


class WalkInForm(forms.Form):
    full_name = forms.CharField(label=_("Name as printed on the badge"), max_length=200)
    company_name = forms.CharField(label=_("Company"), max_length=200)
    country = CountryField(blank=False).formfield(label=_("Country"))
    email = forms.EmailField(
        label=_("Email address"),
        required=False,
        help_text=_("The buyer signs up online with this address; the company's verification follows there."),
    )
    interests = forms.ModelMultipleChoiceField(
        label=_("Interests"),
        queryset=Industry.objects.all(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )


class CheckInForm(forms.Form):
    code = forms.CharField(
        label=_("Badge code"),
        max_length=200,
        widget=forms.TextInput(attrs={"autocomplete": "off", "autocapitalize": "off", "spellcheck": "false"}),
    )


class RevokeForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=300)
