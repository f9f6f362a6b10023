"""Every filter of the public catalog, the text search in both languages, sorting, and the query count."""

import datetime
from decimal import Decimal

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.catalog.filters import ProductFilter
from marketplace.catalog.models import ProductImage, ProductStatus
from marketplace.catalog.selectors import product_search
from marketplace.companies.models import CompanyKind
from tests.factories import CompanyFactory
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory, add_spec

pytestmark = pytest.mark.django_db


def skus(params: dict) -> set[str]:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    for key, value in params.items():
        query[key] = value
    return {p.sku for p in product_search(filters=query).qs}


def ordered(params: dict) -> list[str]:
    from django.http import QueryDict

    query = QueryDict(mutable=True)
    query.update(params)
    return [p.sku for p in product_search(filters=query).qs]


def test_only_published_public_products_are_listed(chapter84):
    ProductFactory(sku="PUB")
    ProductFactory(sku="DRAFT", status=ProductStatus.DRAFT)
    ProductFactory(sku="ARCH", status=ProductStatus.ARCHIVED)
    ProductFactory(sku="SHOW", showcase_only=True)
    assert skus({}) == {"PUB"}


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("hydraulic", {"EN"}),
        ("HYDRAULIC press", {"EN"}),
        ("presses", {"PL"}),  # prefix match, not stemming: "press" finds "presses", not the reverse
        ("press", {"EN", "PL"}),
        ("液压机", {"EN"}),  # Chinese name, whole word
        ("液压", {"EN"}),  # Chinese, part of a longer run
        ("注塑", {"ZH"}),
        ("锁模力", {"ZH"}),  # Chinese spec name
        ("clamping", {"ZH"}),  # English spec name
        ("6500", {"ZH"}),  # spec value
        ("sheet metal", {"EN"}),  # description
        ("钣金", {"EN"}),  # Chinese description
        ("nothing-like-this", set()),
    ],
)
def test_q_searches_names_descriptions_and_specs_in_both_languages(chapter84, query, expected):
    ProductFactory(
        sku="EN",
        name="Hydraulic press",
        name_zh="液压机",
        description="For sheet metal.",
        description_zh="用于钣金加工。",
    )
    zh = ProductFactory(sku="ZH", name="Servo moulding machine", name_zh="伺服注塑机", description="")
    add_spec(zh, "Clamping force", "6500 kN", "锁模力", "6500千牛")
    ProductFactory(sku="PL", name="Pneumatic presses for workshops", name_zh="", description="")
    assert skus({"q": query}) == expected


def test_q_with_quotes_and_operators_is_safe(chapter84):
    ProductFactory(sku="A", name="O'Brien valve")
    assert skus({"q": "o'brien"}) == {"A"}
    assert skus({"q": "valve & | ! ( ) :*"}) == {"A"}


def test_category_includes_its_subtree(chapter84, chapter85, chapter94):
    ProductFactory(sku="M", category=chapter84, hs_code="847710")
    ProductFactory(sku="E", category=chapter85, hs_code="850440")
    ProductFactory(sku="F", category=chapter94, hs_code="940161")
    assert skus({"category": "84"}) == {"M"}
    assert skus({"category": "XVI"}) == {"M", "E"}
    assert skus({"category": "XX"}) == {"F"}


def test_supplier_country(chapter84):
    ProductFactory(sku="CN", supplier=CompanyFactory(country="CN"))
    ProductFactory(sku="VN", supplier=CompanyFactory(country="VN"))
    assert skus({"country": "VN"}) == {"VN"}


def test_price_range_in_a_chosen_currency(chapter84):
    ProductFactory(sku="USD100", currency="USD", price="100")
    ProductFactory(sku="CNY500", currency="CNY", price="500")  # 69 USD at the reference rate
    ProductFactory(sku="EUR200", currency="EUR", price="200")  # 216 USD
    assert skus({"price_max": "100"}) == {"USD100", "CNY500"}
    assert skus({"price_min": "70", "price_max": "150"}) == {"USD100"}
    # In CNY: 100 USD is about 725 CNY, 216 USD about 1565 CNY.
    assert skus({"currency": "CNY", "price_min": "600", "price_max": "1000"}) == {"USD100"}
    assert skus({"currency": "EUR", "price_min": "150"}) == {"EUR200"}


def test_price_filter_uses_lowest_tier(chapter84):
    ProductFactory(sku="T", price__tiers=[(1, "120"), (100, "90")])
    assert skus({"price_max": "95"}) == {"T"}


def test_moq_at_most(chapter84):
    ProductFactory(sku="ONE", moq=1)
    ProductFactory(sku="BIG", moq=500, price__tiers=[(500, "3")])
    assert skus({"moq_max": "100"}) == {"ONE"}
    assert skus({"moq_max": "500"}) == {"ONE", "BIG"}


def test_certification_only_counts_while_valid(chapter84):
    valid = ProductFactory(sku="VALID")
    CertificationFactory(product=valid, standard="CE")
    expired = ProductFactory(sku="EXPIRED")
    CertificationFactory(
        product=expired, standard="CE", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    other = ProductFactory(sku="ROHS")
    CertificationFactory(product=other, standard="RoHS")
    assert skus({"certification": "CE"}) == {"VALID"}
    assert skus({"certification": "RoHS"}) == {"ROHS"}


def test_lead_time_at_most(chapter84):
    ProductFactory(sku="FAST", lead_time_days=7)
    ProductFactory(sku="SLOW", lead_time_days=60)
    assert skus({"lead_time_max": "30"}) == {"FAST"}


def test_verified_suppliers_only(chapter84):
    ProductFactory(sku="V", supplier=CompanyFactory(verified_at=timezone.now()))
    ProductFactory(sku="U", supplier=CompanyFactory(verified_at=None))
    assert skus({"verified": "true"}) == {"V"}
    assert skus({}) == {"V", "U"}


def test_filters_combine(chapter84):
    verified = CompanyFactory(country="CN", verified_at=timezone.now())
    ProductFactory(sku="HIT", supplier=verified, name="CNC lathe", price="900", lead_time_days=20)
    ProductFactory(sku="PRICEY", supplier=verified, name="CNC lathe XL", price="9000", lead_time_days=20)
    ProductFactory(sku="UNVERIFIED", name="CNC lathe", price="900", lead_time_days=20)
    assert skus({"q": "lathe", "verified": "true", "price_max": "1000", "country": "CN"}) == {"HIT"}


def test_sort_by_price_and_newest(chapter84):
    now = timezone.now()
    ProductFactory(sku="B", price="20", published_at=now - datetime.timedelta(days=2))
    ProductFactory(sku="A", price="10", published_at=now - datetime.timedelta(days=1))
    ProductFactory(
        sku="C", currency="EUR", price="19", published_at=now - datetime.timedelta(days=3)
    )  # 20.52 USD
    assert ordered({"sort": "price"}) == ["A", "B", "C"]
    assert ordered({"sort": "-price"}) == ["C", "B", "A"]
    assert ordered({"sort": "newest"}) == ["A", "B", "C"]
    assert ordered({}) == ["A", "B", "C"]


def test_sort_by_relevance_puts_better_matches_first(chapter84):
    if connection.vendor != "postgresql":
        pytest.skip("relevance ranking is PostgreSQL's ts_rank; SQLite sorts matches by newest")
    ProductFactory(sku="WEAK", name="Gear", description="Also sold with a pump adapter.")
    ProductFactory(sku="STRONG", name="Pump pump centrifugal pump", description="pump")
    assert ordered({"q": "pump", "sort": "relevance"})[0] == "STRONG"


def test_product_list_page_renders_and_counts(client, chapter84):
    for i in range(3):
        ProductFactory(name=f"Air compressor {i}", currency="EUR", price=Decimal("1234.5"))
    body = client.get(reverse("catalog:product_list"), {"q": "compressor"}).content.decode()
    assert "3 products" in body and "Air compressor 2" in body and "1,234.50 EUR" in body


def _list_queries(client, n: int, chapter) -> int:
    for i in range(n):
        product = ProductFactory(name=f"Valve {i}", category=chapter)
        ProductImage.objects.create(
            product=product,
            file="x.jpg",
            thumbnail="x.webp",
            content_type="image/jpeg",
            width=10,
            height=10,
            size=1,
            sha256=f"{i}",
        )
        CertificationFactory(product=product)
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(
            reverse("catalog:product_list"),
            {"q": "valve", "verified": "false", "certification": "CE", "sort": "price"},
        )
    assert response.status_code == 200
    return len(ctx.captured_queries)


def test_product_list_query_count_does_not_grow_with_results(client, chapter84):
    """Baseline: the bounded ids (count and order in one query) and the page's cards with thumbnails,
    whatever the page holds; the category menu comes from the cached HS tree."""
    from marketplace.catalog import caching

    caching.category_rows()
    few = _list_queries(client, 2, chapter84)
    many = _list_queries(client, 20, chapter84)
    assert few == many == 2


def test_product_list_query_count_signed_in(client, chapter84, buyer_owner):
    from marketplace.catalog import caching

    caching.category_rows()
    client.force_login(buyer_owner)
    client.get(reverse("catalog:product_list"))  # the navigation data (membership, unread count) is kept
    few = _list_queries(client, 2, chapter84)
    many = _list_queries(client, 20, chapter84)
    # session and user: two more, still constant; the membership and unread count come from the cache.
    assert few == many == 4


def _cap_at(monkeypatch, cap: int) -> None:
    """Lower the result cap where it is read: the FilterSet's bounded count and the paginator's default.

    Both copy `pagination.RESULT_CAP` when their module is imported, so patching that name changes nothing.
    """
    from marketplace.catalog import pagination

    monkeypatch.setattr(ProductFilter, "count_cap", cap)
    defaults = pagination.CappedPaginator.__init__.__kwdefaults__
    monkeypatch.setattr(pagination.CappedPaginator.__init__, "__kwdefaults__", {**defaults, "cap": cap})


@pytest.mark.parametrize("params", [{}, {"q": "press"}], ids=["browsing", "searching"])
def test_product_list_caps_the_count(client, chapter84, monkeypatch, params):
    _cap_at(monkeypatch, 3)
    for _ in range(3):
        ProductFactory()
    body = client.get(reverse("catalog:product_list"), params).content.decode()
    assert "3 products" in body and "More than" not in body
    ProductFactory()
    cache.clear()
    body = client.get(reverse("catalog:product_list"), params).content.decode()
    assert "More than 3 products: refine your search" in body and "4 products" not in body


@pytest.mark.parametrize(
    "params",
    [{"price_min": "abc"}, {"category": "nope"}, {"sort": "hack"}, {"currency": "XXX"}, {"moq_max": "-1"}],
)
def test_bad_filter_values_do_not_break_the_page(client, chapter84, params):
    ProductFactory(name="Only press")
    response = client.get(reverse("catalog:product_list"), params)
    body = response.content.decode()
    # A value the form cannot read is dropped: the page lists what it would list without it.
    assert response.status_code == 200 and "1 product" in body and "Only press" in body


def test_supplier_mini_site_shows_profile_and_published_products(client, chapter84):
    supplier = CompanyFactory(
        kind=CompanyKind.SUPPLIER, name="Ningbo Hengtai", description="We build presses."
    )
    ProductFactory(supplier=supplier, sku="P1", name="Press one")
    ProductFactory(supplier=supplier, sku="P2", name="Press draft", status=ProductStatus.DRAFT)
    ProductFactory(supplier=supplier, sku="P3", name="Press secret", showcase_only=True)
    ProductFactory(name="Press of someone else")
    body = client.get(reverse("catalog:supplier_site", args=[supplier.slug])).content.decode()
    assert "Ningbo Hengtai" in body and "We build presses." in body and "Press one" in body
    assert "Press draft" not in body and "Press secret" not in body and "someone else" not in body
    buyer = CompanyFactory(kind=CompanyKind.BUYER)
    assert client.get(reverse("catalog:supplier_site", args=[buyer.slug])).status_code == 404
