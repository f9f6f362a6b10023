"""factory_boy factories for every model of the companies app."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace.companies.models import (
    Company,
    CompanyKind,
    DocumentKind,
    DocumentStatus,
    Industry,
    Invitation,
    MemberRole,
    Membership,
    User,
    VerificationDecision,
    VerificationDocument,
)

PASSWORD = "correct-horse-battery-9"


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"Industry {n}")
    name_zh = factory.Sequence(lambda n: f"行业{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Acme Trading {n}")
    slug = factory.Sequence(lambda n: f"acme-trading-{n}")
    kind = CompanyKind.SUPPLIER
    country = "CN"
    city = "Ningbo"
    industry = factory.SubFactory(IndustryFactory)
    registration_number = factory.Sequence(lambda n: f"91330200{n:010d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = MemberRole.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


# A real, smallest-possible PDF: verification documents are checked by content, not by name.
PDF_BYTES = b"%PDF-1.4\n1 0 obj<</Type/Catalog/Pages 2 0 R>>endobj\n2 0 obj<</Type/Pages/Kids[]/Count 0>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


class VerificationDocumentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VerificationDocument

    company = factory.SubFactory(CompanyFactory)
    kind = DocumentKind.BUSINESS_LICENCE
    file = factory.django.FileField(filename="licence.pdf", data=PDF_BYTES)
    original_name = "licence.pdf"
    content_type = "application/pdf"
    size = len(PDF_BYTES)
    uploaded_by = factory.SubFactory(UserFactory)
    status = DocumentStatus.PENDING


class VerificationDecisionFactory(factory.django.DjangoModelFactory):
    """A decision as a row; tests of the rules go through `services`, which also updates the document."""

    class Meta:
        model = VerificationDecision

    document = factory.SubFactory(VerificationDocumentFactory)
    status = DocumentStatus.APPROVED
    decided_by = factory.SubFactory(UserFactory)


def buyer_member(**company_kwargs):
    """A signed-in-able owner of a new buyer company."""
    return MembershipFactory(
        company=CompanyFactory(kind=CompanyKind.BUYER, country="DE", **company_kwargs)
    ).user


def supplier_member(**company_kwargs):
    """A signed-in-able owner of a new supplier company."""
    return MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER, **company_kwargs)).user
