"""factory_boy factories for the financing app. Tests of the rules go through `services`; these make rows."""

from decimal import Decimal

import factory

from marketplace.companies.models import CompanyKind
from marketplace.financing.models import FinancingApplication, Repayment
from tests.marketplace.companies.factories import CompanyFactory, UserFactory
from tests.marketplace.deals.factories import OrderFactory


class FinancingApplicationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FinancingApplication

    order = factory.SubFactory(OrderFactory)
    deal = factory.SelfAttribute("order.deal")
    supplier = factory.SelfAttribute("order.deal.supplier")
    buyer = factory.SelfAttribute("order.deal.buyer")
    bank = factory.SubFactory(CompanyFactory, kind=CompanyKind.BANK, country="HK", city="Hong Kong")
    amount = Decimal("50000.00")
    currency = "USD"
    term_days = 90
    advance_rate = Decimal("0.8000")
    ceiling = Decimal("100000.00")
    created_by = factory.SubFactory(UserFactory)


class RepaymentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Repayment

    application = factory.SubFactory(FinancingApplicationFactory)
    amount = Decimal("10000.00")
    currency = "USD"
    paid_on = factory.Faker("date_this_year")
    recorded_by = factory.SubFactory(UserFactory)
