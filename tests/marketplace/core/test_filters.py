"""The base FilterSet's shared free-text `q`: every word must match one of the declared fields."""

import pytest
from django.http import QueryDict

from marketplace.companies.models import Company
from marketplace.core.filters import BaseFilterSet
from tests.factories import CompanyFactory, IndustryFactory

pytestmark = pytest.mark.django_db


class NameCityFilter(BaseFilterSet):
    search_fields = ("name", "city", "industry__name")

    class Meta:
        model = Company
        fields = ["q"]


def _names(filterset_class, query: str) -> list[str]:
    filterset = filterset_class(QueryDict(query), queryset=Company.objects.order_by("name"))
    assert filterset.is_valid(), filterset.errors
    return [c.name for c in filterset.qs]


@pytest.fixture
def companies():
    textiles = IndustryFactory(name="Textiles", slug="textiles")
    CompanyFactory(name="Hengtai Valves", city="Ningbo")
    CompanyFactory(name="Ningbo Looms", city="Shaoxing", industry=textiles)
    CompanyFactory(name="Hamburg Traders", city="Hamburg")


def test_each_word_must_match_one_of_the_search_fields(companies):
    assert _names(NameCityFilter, "q=ningbo") == ["Hengtai Valves", "Ningbo Looms"]  # a city, a name
    assert _names(NameCityFilter, "q=ningbo+valves") == ["Hengtai Valves"]  # both words, any field each
    assert _names(NameCityFilter, "q=TEXTILES") == ["Ningbo Looms"]  # a related field, any case
    assert _names(NameCityFilter, "q=ningbo+hamburg") == []


def test_blank_q_filters_nothing(companies):
    everyone = ["Hamburg Traders", "Hengtai Valves", "Ningbo Looms"]
    assert _names(NameCityFilter, "") == everyone
    assert _names(NameCityFilter, "q=+++") == everyone


def test_words_past_the_limit_are_ignored(companies):
    class TwoWords(NameCityFilter):
        max_words = 2

    assert _names(TwoWords, "q=ningbo+valves+nothing-like-this") == ["Hengtai Valves"]
    assert _names(NameCityFilter, "q=ningbo+valves+nothing-like-this") == []


def test_an_app_may_replace_the_search_and_keeps_the_q_filter(companies):
    class Exact(BaseFilterSet):
        class Meta:
            model = Company
            fields = ["q"]

        def search(self, queryset, value):
            return queryset.filter(name=value)

    assert _names(Exact, "q=Ningbo+Looms") == ["Ningbo Looms"]
    assert _names(Exact, "q=Ningbo") == []
    assert list(Exact.base_filters) == ["q"]


def test_a_filterset_without_search_fields_or_search_says_so(companies):
    class Forgotten(BaseFilterSet):
        class Meta:
            model = Company
            fields = ["q"]

    with pytest.raises(NotImplementedError, match="Forgotten needs search_fields"):
        _names(Forgotten, "q=ningbo")


def test_the_catalog_and_directory_filtersets_stand_on_the_base():
    from marketplace.catalog.filters import PortalProductFilter, ProductFilter
    from marketplace.companies.filters import CompanyFilter

    for filterset in (ProductFilter, PortalProductFilter, CompanyFilter):
        assert issubclass(filterset, BaseFilterSet)
        assert list(filterset.base_filters)[0] == "q"
        assert filterset.base_filters["q"].method == "filter_q"
