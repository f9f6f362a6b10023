"""The public company directory: every filter, sort, pagination, the profile, and its query count."""

import datetime
import html
import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.core.templatetags import filter_sidebar
from tests.factories import CompanyFactory, IndustryFactory

pytestmark = pytest.mark.django_db


def names(response):
    """The company names the page shows, in order (read from the HTML: results may come from the cache)."""
    return [
        html.unescape(n)
        for n in re.findall(r'<h3><a href="/companies/[^"]+/">([^<]+)</a>', response.content.decode())
    ]


@pytest.fixture
def world():
    machinery = IndustryFactory(slug="machinery", name="Machinery", name_zh="机械")
    textiles = IndustryFactory(slug="textiles", name="Textiles", name_zh="纺织")
    now = timezone.now()
    return {
        "haitian": CompanyFactory(
            name="Haitian Machinery",
            name_zh="海天机械",
            country="CN",
            industry=machinery,
            kind=CompanyKind.SUPPLIER,
            verified_at=now,
            city="Ningbo",
            created_at=now - datetime.timedelta(days=300),
        ),
        "bremen": CompanyFactory(
            name="Bremen Textile Import",
            country="DE",
            industry=textiles,
            kind=CompanyKind.BUYER,
            city="Bremen",
            created_at=now - datetime.timedelta(days=10),
        ),
        "saigon": CompanyFactory(
            name="Saigon Garments",
            country="VN",
            industry=textiles,
            kind=CompanyKind.BOTH,
            verified_at=now - datetime.timedelta(days=5),
            description="Knitted garments for export",
            created_at=now - datetime.timedelta(days=100),
        ),
    }


def test_unfiltered_lists_all_by_name(client, world):
    assert names(client.get(reverse("companies:company_list"))) == [
        "Bremen Textile Import",
        "Haitian Machinery",
        "Saigon Garments",
    ]


def test_filter_country(client, world):
    assert names(client.get(reverse("companies:company_list"), {"country": "DE"})) == [
        "Bremen Textile Import"
    ]


def test_filter_industry(client, world):
    assert names(client.get(reverse("companies:company_list"), {"industry": "textiles"})) == [
        "Bremen Textile Import",
        "Saigon Garments",
    ]


def test_filter_role_supplier_includes_both(client, world):
    assert names(client.get(reverse("companies:company_list"), {"role": "supplier"})) == [
        "Haitian Machinery",
        "Saigon Garments",
    ]


def test_filter_role_buyer_includes_both(client, world):
    assert names(client.get(reverse("companies:company_list"), {"role": "buyer"})) == [
        "Bremen Textile Import",
        "Saigon Garments",
    ]


def test_filter_verified(client, world):
    assert names(client.get(reverse("companies:company_list"), {"verified": "true"})) == [
        "Haitian Machinery",
        "Saigon Garments",
    ]
    assert names(client.get(reverse("companies:company_list"), {"verified": "false"})) == [
        "Bremen Textile Import"
    ]


@pytest.mark.parametrize(
    ("q", "expected"),
    [
        ("haitian", ["Haitian Machinery"]),
        ("海天", ["Haitian Machinery"]),
        ("knitted", ["Saigon Garments"]),
        ("纺织", ["Bremen Textile Import", "Saigon Garments"]),
        ("bremen textile", ["Bremen Textile Import"]),
        ("nothing-like-this", []),
    ],
)
def test_free_text_q(client, world, q, expected):
    assert names(client.get(reverse("companies:company_list"), {"q": q})) == expected


def test_sort_newest_and_recently_verified(client, world):
    assert (
        names(client.get(reverse("companies:company_list"), {"sort": "-joined"}))[0]
        == "Bremen Textile Import"
    )
    assert names(
        client.get(reverse("companies:company_list"), {"sort": "-verified", "verified": "true"})
    ) == ["Haitian Machinery", "Saigon Garments"]


def test_filters_combine(client, world):
    response = client.get(
        reverse("companies:company_list"), {"industry": "textiles", "verified": "true", "role": "supplier"}
    )
    assert names(response) == ["Saigon Garments"]


def test_invalid_filter_value_shows_an_error_not_a_crash(client, world):
    response = client.get(reverse("companies:company_list"), {"country": "ZZ"})
    assert response.status_code == 200
    assert "Select a valid choice" in response.content.decode()


def test_pagination_keeps_filters(client, world):
    industry = IndustryFactory(slug="ceramics", name="Ceramics")
    CompanyFactory.create_batch(30, industry=industry)
    response = client.get(reverse("companies:company_list"), {"industry": "ceramics"})
    assert len(names(response)) == 24
    assert "industry=ceramics&amp;page=2" in response.content.decode()
    assert len(names(client.get(reverse("companies:company_list"), {"industry": "ceramics", "page": 2}))) == 6


def test_list_query_count_does_not_grow_with_rows(client, world):
    industry = IndustryFactory(slug="furniture", name="Furniture")
    CompanyFactory.create_batch(5, industry=industry)
    url = reverse("companies:company_list")

    def queries_on_a_cold_cache():
        cache.clear()
        filter_sidebar._blank.clear()  # the filter form drawn once per process and language: cold too
        with CaptureQueriesContext(connection) as captured:
            client.get(url)
        return len(captured)

    few = queries_on_a_cold_cache()
    CompanyFactory.create_batch(20, industry=industry)
    assert queries_on_a_cold_cache() == few
    # Baseline: count, the page of companies with industries joined, country and industry choices.
    assert few <= 4


def test_cached_page_needs_no_query_and_an_edit_shows_at_once(client, world, django_assert_num_queries):
    url = reverse("companies:company_list")
    client.get(url)
    with django_assert_num_queries(0):
        assert "Haitian Machinery" in client.get(url).content.decode()
    world["haitian"].name = "Haitian International"
    world["haitian"].save()
    html = client.get(url).content.decode()
    assert "Haitian International" in html and "Haitian Machinery" not in html


def test_cache_keeps_languages_and_filters_apart(client, world):
    url = reverse("companies:company_list")
    assert names(client.get(url, {"country": "DE"})) == ["Bremen Textile Import"]
    assert "Haitian Machinery" in client.get(url).content.decode()
    client.cookies["django_language"] = "zh-hans"
    assert "海天机械" in client.get(url).content.decode()


def test_profile_shows_public_facts_in_chinese(client, world):
    client.cookies["django_language"] = "zh-hans"
    html = client.get(reverse("companies:company_detail", args=[world["haitian"].slug])).content.decode()
    assert "海天机械" in html and "机械" in html


def test_profile_of_unknown_company_is_404(client):
    assert client.get(reverse("companies:company_detail", args=["no-such-company"])).status_code == 404
