"""The directory's `q` on PostgreSQL's trigram index finds exactly what the word-in-any-field search finds
(the old logic, kept here as the oracle), in English and Chinese, and SQLite keeps a working fallback."""

import pytest

from marketplace.companies.filters import CompanyFilter
from marketplace.companies.models import Company
from marketplace.core.filters import BaseFilterSet
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory

pytestmark = pytest.mark.django_db

QUERIES = {
    "precision": {"P1", "P2"},
    "PRECISION ningbo": {"P1"},
    "宁波": {"P1", "Z1"},
    "精密": {"P2"},
    "textiles": {"T1"},  # the industry's name
    "纺织": {"T1"},  # the industry's Chinese name
    "hamburg": {"H1"},  # the city
    "bearings": {"P2"},  # the description
    "100%": {"X1"},  # LIKE wildcards are plain characters
    "a_b": {"X1"},
    "nothing-like-this": set(),
}


@pytest.fixture
def companies(db):
    machinery = IndustryFactory(slug="machinery-t", name="Machinery", name_zh="机械")
    textiles = IndustryFactory(slug="textiles-t", name="Textiles", name_zh="纺织")
    rows = [
        ("P1", "Ningbo Precision Works", "宁波精工", "Ningbo", "", machinery),
        ("P2", "Precision Parts Co", "精密零件", "Suzhou", "Ball bearings and shafts", machinery),
        ("T1", "Blue Thread Ltd", "", "Shaoxing", "Yarn", textiles),
        ("H1", "Elbe Import GmbH", "", "Hamburg", "", machinery),
        ("Z1", "Harbour Trading", "宁波港贸易", "Zhoushan", "", machinery),
        ("X1", "Odd Names", "", "Xiamen", "100% cotton, a_b grade", machinery),
    ]
    for code, name, name_zh, city, description, industry in rows:
        CompanyFactory(
            name=name,
            name_zh=name_zh,
            city=city,
            description=description,
            industry=industry,
            slug=code.lower(),
        )


def _codes(companies) -> set[str]:
    return {c.slug.upper() for c in companies}


@pytest.mark.parametrize(("query", "expected"), list(QUERIES.items()))
def test_the_directory_text_filter_finds_the_same_companies(companies, query, expected):
    rows = Company.objects.filter(slug__in=[c.lower() for c in ("P1", "P2", "T1", "H1", "Z1", "X1")])
    found = _codes(CompanyFilter({"q": query}, queryset=rows).qs)
    oracle = _codes(BaseFilterSet.search(CompanyFilter({}, queryset=rows), rows, query))
    assert found == oracle == expected
