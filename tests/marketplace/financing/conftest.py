import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone, translation

from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole
from marketplace.deals.models import Deal, DealState
from marketplace.financing import services
from tests.credit.factories import AssessmentFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.deals.factories import OrderFactory, agreed_deal


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    translation.activate("en")


def grade(company, code: str):
    """Give `company` an assessment newer than any the test's facts may cause."""
    return AssessmentFactory(subject=company, grade=code, as_of=timezone.now() + dt.timedelta(days=1))


def ordered_deal(buyer, supplier, amount=Decimal("125000.00"), currency="USD"):
    deal = agreed_deal(buyer=buyer, supplier=supplier)
    order = OrderFactory(deal=deal, offer=deal.accepted_offer, amount=amount, currency=currency)
    Deal.objects.filter(pk=deal.pk).update(state=DealState.ORDERED)
    deal.refresh_from_db()
    return deal, order


def risk_member(company):
    return MembershipFactory(
        company=company, user=UserFactory(platform_role=PlatformRole.RISK_OFFICER), role=MemberRole.STAFF
    ).user


@pytest.fixture
def world(db):
    """A graded supplier (A) with an ordered deal of 125,000 USD, two banks, an insurer and everyone else."""
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Ningbo Machines")
    buyer = CompanyFactory(kind=CompanyKind.BUYER, country="DE", name="Hamburg Imports")
    other_supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Other Works")
    bank = CompanyFactory(kind=CompanyKind.BANK, name="Harbour Bank", country="HK")
    other_bank = CompanyFactory(kind=CompanyKind.BANK, name="Second Bank", country="SG")
    insurer = CompanyFactory(kind=CompanyKind.INSURER, name="Export Insurer")
    grade(supplier, "A")
    grade(buyer, "BBB")
    deal, order = ordered_deal(buyer, supplier)
    return {
        "supplier": supplier,
        "buyer": buyer,
        "bank": bank,
        "other_bank": other_bank,
        "insurer": insurer,
        "deal": deal,
        "order": order,
        "supplier_user": MembershipFactory(company=supplier).user,
        "supplier_staff": MembershipFactory(company=supplier, role=MemberRole.STAFF).user,
        "buyer_user": MembershipFactory(company=buyer).user,
        "other_supplier_user": MembershipFactory(company=other_supplier).user,
        "bank_officer": risk_member(bank),
        "other_bank_officer": risk_member(other_bank),
        "insurer_officer": risk_member(insurer),
        "bank_clerk": MembershipFactory(company=bank, role=MemberRole.STAFF).user,
        "platform_risk": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
        "operator": UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
    }


@pytest.fixture
def apply(world):
    """Apply as the supplier's owner; keyword arguments override the defaults."""

    def _apply(**kwargs):
        args = {
            "deal": world["deal"],
            "by_user": world["supplier_user"],
            "bank": world["bank"],
            "amount": Decimal("80000"),
            "currency": "USD",
            "term_days": 90,
        }
        args.update(kwargs)
        return services.apply(**args)

    return _apply
