import pytest
from django.utils import translation

from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.insurance.helpers import ordered_deal, rate


@pytest.fixture(autouse=True)
def _english_after_each_test():
    yield
    translation.activate("en")


@pytest.fixture
def people(db):
    """A buyer and a supplier with their people, two insurers with a risk officer each, a bank's officer."""
    buyer = CompanyFactory(kind=CompanyKind.BUYER, country="DE", city="Hamburg", name="Hamburg Imports")
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Ningbo Machines")
    insurer = CompanyFactory(kind=CompanyKind.INSURER, name="Pacific ECI")
    other_insurer = CompanyFactory(kind=CompanyKind.INSURER, name="Atlantic ECI")
    bank = CompanyFactory(kind=CompanyKind.BANK, name="Harbour Bank")

    def officer(company):
        user = UserFactory(platform_role=PlatformRole.RISK_OFFICER)
        MembershipFactory(company=company, user=user, role=MemberRole.STAFF)
        return user

    return {
        "buyer": buyer,
        "supplier": supplier,
        "insurer": insurer,
        "other_insurer": other_insurer,
        "buyer_user": MembershipFactory(company=buyer).user,
        "supplier_user": MembershipFactory(company=supplier).user,
        "other_supplier_user": MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER)).user,
        "officer": officer(insurer),
        "other_officer": officer(other_insurer),
        "bank_officer": officer(bank),
        "platform_risk": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
    }


@pytest.fixture
def deal(people):
    rate(people["buyer"], "A")
    return ordered_deal(
        buyer=people["buyer"],
        supplier=people["supplier"],
        buyer_user=people["buyer_user"],
        supplier_user=people["supplier_user"],
    )
