import functools

import pytest

from marketplace.companies.models import CompanyKind, PlatformRole
from tests import dbtemplate
from tests.factories import CompanyFactory, MembershipFactory, UserFactory


@pytest.fixture(scope="session")
def _test_db_from_template(
    django_db_modify_db_settings, django_db_createdb, django_db_use_migrations, django_db_blocker
):
    """Lets the session's database set-up copy a saved migrated database (see tests/dbtemplate.py)."""
    if not dbtemplate.enabled(createdb=django_db_createdb, use_migrations=django_db_use_migrations):
        dbtemplate.outcome["how"] = "built from migrations (template not used in this run)"
        yield
        return
    from django.db import connections

    patched = []
    for connection in connections.all(initialized_only=False):
        creation = connection.creation
        creation.create_test_db = functools.partial(
            dbtemplate.create_test_db, creation, creation.create_test_db
        )
        patched.append(creation)
    yield
    for creation in patched:
        del creation.create_test_db


@pytest.fixture(scope="session")
def django_db_setup(_test_db_from_template, django_db_setup):
    """pytest-django's set-up, unchanged, with the template in reach: `db`, `transactional_db` work as ever."""
    yield


def pytest_terminal_summary(terminalreporter):
    if dbtemplate.outcome.get("how"):
        terminalreporter.write_line(f"test database: {dbtemplate.outcome['how']}")


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

    from marketplace.core import caching

    cache.clear()
    # A value remembered from the last test would outlive the cleared counter and, once it expires, give
    # way to a new one mid-test: a page cached under the old value would then be missed.
    for generation in caching.generations():
        generation.forget()


@pytest.fixture(autouse=True)
def _fresh_scorers():
    """Loaded credit models are kept per process by version pk; rolled-back tests hand the same pks out again.

    In production a version's pk is never reused, so the memo is safe there; here a model cached by an
    earlier test would answer for a different version with the same pk.
    """
    from credit import index

    index._scorers.clear()
