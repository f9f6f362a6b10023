import pytest

from marketplace.companies.models import CompanyKind, PlatformRole
from tests.factories import CompanyFactory, MembershipFactory, UserFactory


@pytest.fixture
def supplier_owner(db):
    """The owner of a Chinese supplier."""
    return MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER)).user


@pytest.fixture
def buyer_owner(db):
    return MembershipFactory(
        company=CompanyFactory(kind=CompanyKind.BUYER, country="DE", city="Hamburg")
    ).user


@pytest.fixture
def operator(db):
    return UserFactory(platform_role=PlatformRole.OPERATOR)


@pytest.fixture
def risk_officer(db):
    return UserFactory(platform_role=PlatformRole.RISK_OFFICER)


@pytest.fixture
def editor(db):
    return UserFactory(platform_role=PlatformRole.EDITOR)


@pytest.fixture(autouse=True)
def _staff_mfa_off_by_default(settings):
    """Most tests are about pages, not the second factor; tests of the second factor turn it back on."""
    settings.STAFF_REQUIRE_MFA = False


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, as the database starts empty."""
    from django.core.cache import cache

    cache.clear()
