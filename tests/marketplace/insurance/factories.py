"""Factories of the insurance models: valid rows for page and permission tests (the services build real ones)."""

import datetime
from decimal import Decimal

import factory
from django.core.files.base import ContentFile
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.insurance.models import (
    Claim,
    CreditLimit,
    Declaration,
    LimitStatus,
    Policy,
    PremiumRate,
)
from tests.marketplace.companies.factories import CompanyFactory, UserFactory
from tests.marketplace.deals.factories import PDF_BYTES, MilestoneFactory, ShipmentFactory


class PolicyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Policy

    insurer = factory.SubFactory(CompanyFactory, kind=CompanyKind.INSURER)
    insured = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    number = factory.Sequence(lambda n: f"ECI-T-{n:06d}")


class PremiumRateFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PremiumRate

    insurer = factory.SubFactory(CompanyFactory, kind=CompanyKind.INSURER)
    grade = "A"
    max_term_days = factory.Sequence(lambda n: 30 + n)
    rate_percent = Decimal("0.300")


class CreditLimitFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CreditLimit

    policy = factory.SubFactory(PolicyFactory)
    insurer = factory.SelfAttribute("policy.insurer")
    deal = factory.LazyAttribute(lambda o: MilestoneFactory(order__deal__supplier=o.policy.insured).deal)
    buyer = factory.SelfAttribute("deal.buyer")
    requested_amount = Decimal("100000")
    currency = "USD"
    requested_term_days = 60
    requested_by = factory.SubFactory(UserFactory)
    suggestion = factory.LazyFunction(
        lambda: {
            "grade": "A",
            "approve": True,
            "suggested_amount": "100000",
            "currency": "USD",
            "reasons": [],
        }
    )

    class Params:
        approved = factory.Trait(
            status=LimitStatus.APPROVED,
            amount=Decimal("100000"),
            max_term_days=90,
            valid_until=factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365)),
            decided_at=factory.LazyFunction(timezone.now),
        )


class DeclarationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Declaration

    limit = factory.SubFactory(CreditLimitFactory, approved=True)
    deal = factory.SelfAttribute("limit.deal")
    shipment = factory.LazyAttribute(lambda o: ShipmentFactory(deal=o.deal))
    milestone = factory.LazyAttribute(lambda o: o.deal.milestones.first())
    number = factory.Sequence(lambda n: f"ECI-T-D{n:06d}")
    insured_amount = Decimal("50000")
    currency = "USD"
    limit_amount = Decimal("50000")
    term_days = 60
    due_date = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=60))
    buyer_grade = "A"
    premium_rate = Decimal("0.390")
    premium = Decimal("195.00")
    indemnity_percent = 90
    declared_by = factory.SubFactory(UserFactory)
    certificate = factory.LazyFunction(lambda: ContentFile(PDF_BYTES, name="certificate.pdf"))
    certificate_sha256 = "0" * 64


class ClaimFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Claim

    declaration = factory.SubFactory(DeclarationFactory, status="claimed")
    number = factory.Sequence(lambda n: f"ECI-T-C{n:06d}")
    amount = Decimal("50000")
    currency = "USD"
    evidence = factory.LazyFunction(
        lambda: {"record_length": 0, "record_head": "", "shipments": [], "milestones": []}
    )
    filed_by = factory.SubFactory(UserFactory)
    decidable_from = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=150))
