import pytest
from django.utils import translation

from marketplace.companies.models import CompanyKind, MemberRole, PlatformRole
from marketplace.deals import services
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory


@pytest.fixture(autouse=True)
def _english_after_each_test():
    """A request in Chinese leaves zh-hans active in this thread; the next test must not inherit it."""
    yield
    translation.activate("en")


@pytest.fixture
def parties(db):
    """A buyer and a supplier with their people, a third company, and the platform's staff."""
    buyer = CompanyFactory(kind=CompanyKind.BUYER, country="DE", city="Hamburg", name="Hamburg Imports")
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Ningbo Machines")
    third = CompanyFactory(kind=CompanyKind.BUYER, name="Third Trading")
    bank = CompanyFactory(kind=CompanyKind.BUYER, name="Partner Bank")
    bank_risk = UserFactory(platform_role=PlatformRole.RISK_OFFICER)
    MembershipFactory(company=bank, user=bank_risk, role=MemberRole.STAFF)
    return {
        "buyer": buyer,
        "supplier": supplier,
        "buyer_user": MembershipFactory(company=buyer).user,
        "buyer_staff": MembershipFactory(company=buyer, role=MemberRole.STAFF).user,
        "supplier_user": MembershipFactory(company=supplier).user,
        "supplier_staff": MembershipFactory(company=supplier, role=MemberRole.STAFF).user,
        "third_user": MembershipFactory(company=third).user,
        "no_company": UserFactory(),
        "operator": UserFactory(platform_role=PlatformRole.OPERATOR, is_staff=True),
        "risk_officer": UserFactory(platform_role=PlatformRole.RISK_OFFICER),
        "bank_risk_officer": bank_risk,
        "editor": UserFactory(platform_role=PlatformRole.EDITOR),
    }


@pytest.fixture
def deal(parties):
    return services.open_deal(
        buyer=parties["buyer"],
        supplier=parties["supplier"],
        by_user=parties["buyer_user"],
        opening=services.Opening(
            kind="company", reference=str(parties["supplier"].pk), message="Quote 200 units?"
        ),
    )
