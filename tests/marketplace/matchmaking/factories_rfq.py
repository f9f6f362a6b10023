"""factory_boy factories for the sourcing-request models (matchmaking.models.rfq), and helpers to build
a buyer, verified suppliers in a chapter and their quotations through the services."""

import datetime as dt
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.matchmaking.models import (
    Quotation,
    QuotationAttachment,
    QuotationTier,
    Rfq,
    RfqAttachment,
    SourcingProfile,
)
from tests.marketplace.catalog.factories import ChapterFactory, ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


class RfqFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Rfq

    buyer = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE", city="Hamburg")
    created_by = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Hydraulic presses, batch {n}")
    description = "Sheet-metal presses, 100 t."
    category = factory.SubFactory(ChapterFactory)
    quantity = Decimal("100")
    unit = "piece"
    destination_country = "DE"
    destination_port = "Hamburg"
    incoterm = "FOB"
    certifications = factory.LazyFunction(lambda: ["CE"])
    closes_on = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=14))


class RfqAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RfqAttachment

    rfq = factory.SubFactory(RfqFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="drawing.pdf"))
    original_name = "drawing.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class QuotationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Quotation

    rfq = factory.SubFactory(RfqFactory)
    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    created_by = factory.SubFactory(UserFactory)
    currency = "USD"
    incoterm = "FOB"
    named_place = "Ningbo"
    lead_time_days = 30
    moq = Decimal("50")
    valid_until = factory.LazyFunction(lambda: timezone.localdate() + dt.timedelta(days=30))
    payment_terms = "prepayment"


class QuotationTierFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotationTier

    quotation = factory.SubFactory(QuotationFactory)
    min_quantity = factory.Sequence(lambda n: Decimal(10 * (n + 1)))
    unit_price = Decimal("95.00")


class QuotationAttachmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuotationAttachment

    quotation = factory.SubFactory(QuotationFactory)
    file = factory.LazyFunction(lambda: ContentFile(PDF, name="quote.pdf"))
    original_name = "quote.pdf"
    content_type = "application/pdf"
    size = len(PDF)
    sha256 = "0" * 64
    uploaded_by = factory.SubFactory(UserFactory)


class SourcingProfileFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = SourcingProfile

    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)


def verified_supplier(*, chapter=None, certifications=(), **company_kwargs):
    """The owner of a verified supplier with a published product in `chapter` (84 by default)."""
    from tests.marketplace.catalog.factories import CertificationFactory

    company = CompanyFactory(kind=CompanyKind.SUPPLIER, verified_at=timezone.now(), **company_kwargs)
    product = ProductFactory(supplier=company, category=chapter or ChapterFactory())
    for standard in certifications:
        CertificationFactory(product=product, standard=standard)
    return MembershipFactory(company=company).user


def rfq_data(category, **overrides) -> dict:
    data = {
        "title": "Hydraulic presses 100 t",
        "description": "For sheet metal.",
        "category": category,
        "quantity": "100",
        "unit": "piece",
        "target_price": "90",
        "target_currency": "USD",
        "destination_country": "DE",
        "destination_port": "Hamburg",
        "incoterm": "FOB",
        "certifications": ["CE"],
        "sample_needs": "",
        "closes_on": timezone.localdate() + dt.timedelta(days=10),
        "visibility": "category",
        "quotations_wanted": 10,
    }
    data.update(overrides)
    return data


def quotation_data(**overrides) -> dict:
    data = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "lead_time_days": 30,
        "moq": Decimal("50"),
        "valid_until": timezone.localdate() + dt.timedelta(days=30),
        "payment_terms": "prepayment",
        "sample_terms": "free",
        "sample_freight": "buyer",
        "message": "We make these every week.",
    }
    data.update(overrides)
    return data


TIERS = [("1", "100"), ("100", "90"), ("500", "80")]
