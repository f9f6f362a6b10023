"""Subjects for credit tests: companies built through the ORM, named by (country, registration number)."""

import datetime as dt
import itertools

import pytest
from django.apps import apps
from django.conf import settings
from django.core.cache import cache

from credit.kinds import SourceType
from credit.models import Source

_counter = itertools.count(1)


@pytest.fixture(autouse=True)
def _clear_cache():
    # API throttling counts requests in the cache; each test starts from zero.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def make_subject(db):
    """Create a company (the credit subject) joined at `created_at`."""
    industry_model = apps.get_model("companies", "Industry")
    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    industry, _ = industry_model.objects.get_or_create(slug="machinery", defaults={"name": "Machinery"})

    def make(*, country="CN", registration=None, created_at=None, name=None):
        n = next(_counter)
        return company_model.objects.create(
            name=name or f"Company {n}",
            slug=f"company-{n}",
            kind="supplier",
            country=country,
            industry=industry,
            registration_number=registration if registration is not None else f"REG{n:06d}",
            created_at=created_at or dt.datetime(2020, 1, 1, tzinfo=dt.UTC),
        )

    return make


@pytest.fixture
def subject(make_subject):
    return make_subject(
        country="CN", registration="91310000MA1", created_at=dt.datetime(2021, 1, 1, tzinfo=dt.UTC)
    )


@pytest.fixture
def make_source(db):
    def make(code, source_type):
        return Source.objects.get_or_create(
            code=code, defaults={"name": code.title(), "source_type": source_type}
        )[0]

    return make


@pytest.fixture
def platform(make_source):
    return make_source("platform", SourceType.PLATFORM)


@pytest.fixture
def bank(make_source):
    return make_source("bank-a", SourceType.BANK)


@pytest.fixture
def insurer(make_source):
    return make_source("insurer-a", SourceType.INSURER)
