"""The list page's bounded plan (issue 12) shows what the search showed before: every filter, sort and
count, in both languages, against a copy of the old query logic kept here as the oracle; "more than
1,000" stays honest; and the supplier's country and verification copied onto products stay in step."""

import datetime
import itertools
import random

import pytest
from django.core.cache import cache
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.urls import reverse
from django.utils import timezone, translation

from marketplace.catalog import supplier_facts
from marketplace.catalog.filters import ProductFilter
from marketplace.catalog.models import Product
from marketplace.catalog.search import apply_search, uses_postgres
from marketplace.catalog.selectors import public_products
from marketplace.companies.models import CompanyKind
from tests.factories import CompanyFactory
from tests.marketplace.catalog.factories import CertificationFactory, ProductFactory

pytestmark = pytest.mark.django_db

WORDS = ["hydraulic", "press", "pump", "valve", "lathe", "motor"]
ZH = ["液压机", "水泵", "阀门", "车床"]


@pytest.fixture
def catalog(chapter84, chapter85):
    """40 products from 4 suppliers in 2 countries (2 verified), with varied prices, MOQs, lead times,
    categories, certificates, names in both languages and publication dates."""
    rng = random.Random(12)
    now = timezone.now()
    suppliers = [
        CompanyFactory(
            kind=CompanyKind.SUPPLIER,
            country=country,
            verified_at=now if verified else None,
        )
        for country, verified in (("CN", True), ("CN", False), ("VN", True), ("VN", False))
    ]
    for i in range(40):
        words = rng.sample(WORDS, 2)
        product = ProductFactory(
            supplier=suppliers[i % 4],
            name=f"{words[0].title()} {words[1]} {i}",
            name_zh=rng.choice(ZH),
            category=chapter84 if i % 3 else chapter85,
            moq=rng.choice((1, 10, 100)),
            lead_time_days=rng.choice((7, 30, 60)),
            currency=rng.choice(("USD", "EUR")),
            published_at=now - datetime.timedelta(hours=rng.randrange(1, 500)),
            price=str(rng.choice((5, 20, 20, 90, 400, 1500))),
        )
        if i % 5 == 0:
            CertificationFactory(product=product, standard="CE")
    return suppliers


# -- the oracle: the search's query logic as it was before the bounded plan (joins, not copies) ------


def oracle(params: dict) -> list[int]:
    """Product ids in the order the old `ProductFilter.qs` gave them (few matches: sorted after filtering)."""
    filterset = ProductFilter(QueryDict(mutable=True), queryset=public_products())
    form = ProductFilter(_query(params), queryset=public_products()).form
    assert form.is_valid(), form.errors
    data = form.cleaned_data
    queryset = Product.objects.public()
    q = (data.get("q") or "").strip()
    sort = data.get("sort") or ""
    if sort == "relevance" and not q:
        sort = "newest"
    sort = sort or ("relevance" if q else "newest")
    if q:
        queryset = apply_search(queryset, q, rank=sort == "relevance")
    if data.get("category"):
        from marketplace.catalog.models import Category

        queryset = queryset.filter(category_id__in=Category.objects.get(code=data["category"]).subtree_ids())
    if data.get("country"):
        queryset = queryset.filter(supplier__country=data["country"])
    if data.get("verified"):
        queryset = queryset.filter(supplier__verified_at__isnull=False)
    filterset.form.cleaned_data = data
    if data.get("price_min") is not None:
        queryset = queryset.filter(min_price_usd__gte=filterset._usd(data["price_min"]))
    if data.get("price_max") is not None:
        queryset = queryset.filter(min_price_usd__lte=filterset._usd(data["price_max"]))
    if data.get("moq_max") is not None:
        queryset = queryset.filter(moq__lte=data["moq_max"])
    if data.get("lead_time_max") is not None:
        queryset = queryset.filter(lead_time_days__lte=data["lead_time_max"])
    if data.get("certification"):
        queryset = queryset.filter(
            certifications__standard=data["certification"],
            certifications__expires_on__gte=timezone.localdate(),
        )
    price, newest = F("min_price_usd") + Value(0), Coalesce("published_at", "created_at").desc()
    if sort == "relevance" and uses_postgres():
        queryset = queryset.order_by("-rank", "-published_at", "-pk")
    elif sort == "price":
        queryset = queryset.order_by(price.asc(nulls_last=True), "-pk")
    elif sort == "-price":
        queryset = queryset.order_by(price.desc(nulls_last=True), "-pk")
    else:
        queryset = queryset.order_by(newest, "-pk")
    return list(queryset.values_list("pk", flat=True))


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    query.update(params)
    return query


def bounded(params: dict, page: int = 1, per_page: int = 24) -> tuple[int, list[int]]:
    results = ProductFilter(_query(params), queryset=public_products()).results()
    start = (page - 1) * per_page
    return results.count(), [p.pk for p in results[start : start + per_page]]


FILTERS = [
    {},
    {"q": "press"},
    {"q": "hydraulic pump"},
    {"q": "液压"},
    {"q": "水泵"},
    {"category": "85"},
    {"category": "XVI"},
    {"country": "CN"},
    {"country": "VN", "verified": "on"},
    {"verified": "on"},
    {"price_min": "10", "price_max": "500"},
    {"price_max": "100", "currency": "EUR"},
    {"moq_max": "10"},
    {"lead_time_max": "30"},
    {"certification": "CE"},
    {"q": "valve", "country": "CN", "lead_time_max": "60"},
    {"q": "nothing-matches-this"},
]
SORTS = ["", "relevance", "price", "-price", "newest"]


@pytest.mark.parametrize(("filters", "sort"), list(itertools.product(FILTERS, SORTS)))
def test_every_filter_and_sort_gives_the_old_results(catalog, filters, sort):
    params = {**filters, **({"sort": sort} if sort else {})}
    expected = oracle(params)
    count, first = bounded(params, per_page=10)
    _count, second = bounded(params, page=2, per_page=10)
    assert count == len(expected)
    assert first == expected[:10]
    assert second == expected[10:20]


def test_results_are_the_same_in_chinese(catalog):
    with translation.override("zh-hans"):
        for params in ({"q": "液压"}, {"category": "84", "sort": "price"}, {"country": "VN"}):
            assert bounded(params, per_page=50)[1] == oracle(params)


def _cap_at(monkeypatch, cap: int) -> None:
    from marketplace.catalog import pagination

    monkeypatch.setattr(ProductFilter, "count_cap", cap)
    defaults = pagination.CappedPaginator.__init__.__kwdefaults__
    monkeypatch.setattr(pagination.CappedPaginator.__init__, "__kwdefaults__", {**defaults, "cap": cap})


@pytest.mark.parametrize("sort", ["price", "-price", "newest", "relevance"])
def test_more_than_the_cap_with_text_sorts_the_bounded_matches(catalog, monkeypatch, sort):
    _cap_at(monkeypatch, 5)
    params = {"q": "press", "sort": sort}
    matches = oracle(params)
    assert len(matches) > 6
    count, first = bounded(params, per_page=3)
    _count, second = bounded(params, page=2, per_page=3)
    assert count == 6  # cap + 1: the page then says "more than 5"
    shown = first + second
    assert len(set(shown)) == 6 and set(shown) <= set(matches)  # real matches, no page repeats one
    rows = {p.pk: p for p in Product.objects.filter(pk__in=shown)}
    if sort in ("price", "-price"):
        prices = [rows[pk].min_price_usd for pk in shown]
        assert prices == sorted(prices, reverse=sort == "-price")
    elif sort == "newest":
        dates = [rows[pk].published_at for pk in shown]
        assert dates == sorted(dates, reverse=True)


@pytest.mark.parametrize("sort", ["price", "-price", "newest"])
def test_more_than_the_cap_without_text_stays_exact(catalog, monkeypatch, sort):
    _cap_at(monkeypatch, 5)
    params = {"sort": sort, "country": "CN"}
    count, first = bounded(params, per_page=4)
    _count, second = bounded(params, page=2, per_page=4)
    assert count == 6
    assert first + second == oracle(params)[:8]


def test_the_page_says_more_than_the_cap(client, catalog, monkeypatch):
    _cap_at(monkeypatch, 5)
    body = client.get(reverse("catalog:product_list"), {"q": "press", "sort": "price"}).content.decode()
    assert "More than 5 products: refine your search" in body
    cache.clear()
    body = client.get(reverse("catalog:product_list"), {"q": "lathe", "country": "VN", "verified": "on"})
    n = len(oracle({"q": "lathe", "country": "VN", "verified": "on"}))
    assert n <= 5 and (f"{n} product" in body.content.decode())


# -- the copies on the product stay in step with the supplier -------------------------------------------


def _facts(product) -> tuple[str, bool]:
    product.refresh_from_db(fields=["supplier_country", "supplier_verified"])
    return product.supplier_country, product.supplier_verified


def test_a_new_product_takes_its_suppliers_facts(db):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, country="VN", verified_at=timezone.now())
    assert _facts(ProductFactory(supplier=supplier)) == ("VN", True)


def test_country_and_verification_changes_reach_the_products(db):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, country="CN", verified_at=None)
    products = [ProductFactory(supplier=supplier) for _ in range(3)]
    other = ProductFactory()
    other_facts = _facts(other)
    supplier.country = "DE"
    supplier.save()  # the profile form saves every field
    assert {_facts(p) for p in products} == {("DE", False)}
    supplier.verified_at = timezone.now()
    supplier.save(update_fields=["verified_at"])  # what companies.services does when a licence is approved
    assert {_facts(p) for p in products} == {("DE", True)}
    supplier.verified_at = None
    supplier.save(update_fields=["verified_at"])
    assert {_facts(p) for p in products} == {("DE", False)}
    assert _facts(other) == other_facts


def test_verification_through_the_service_reaches_the_products(operator, chapter84):
    """An operator approves the business licence (companies.services.document_decide), then revokes it:
    the products' copy follows, and so does the search's "verified suppliers only"."""
    from marketplace.companies import services
    from marketplace.companies.models import DocumentKind, DocumentStatus
    from tests.marketplace.companies.factories import VerificationDocumentFactory

    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, verified_at=None)
    product = ProductFactory(supplier=supplier, category=chapter84)
    document = VerificationDocumentFactory(
        company=supplier, kind=DocumentKind.BUSINESS_LICENCE, status=DocumentStatus.PENDING
    )
    assert bounded({"verified": "on"})[1] == []
    services.document_decide(document=document, by_user=operator, approve=True)
    assert _facts(product)[1] is True
    assert bounded({"verified": "on"})[1] == [product.pk] == oracle({"verified": "on"})
    document.refresh_from_db()
    services.document_decide(document=document, by_user=operator, approve=False, reason="Licence expired.")
    assert _facts(product)[1] is False
    assert bounded({"verified": "on"})[1] == [] == oracle({"verified": "on"})


def test_a_product_saved_from_a_stale_supplier_object_keeps_the_current_facts(db):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, country="CN", verified_at=None)
    product = ProductFactory(supplier=supplier)
    stale = Product.objects.select_related("supplier").get(pk=product.pk)
    type(supplier).objects.filter(pk=supplier.pk).update(verified_at=timezone.now())
    supplier.refresh_from_db()
    supplier.save()  # the change, through a save, as a service would make it
    stale.name = "Renamed"
    stale.save()
    assert _facts(product) == ("CN", True)


def test_sync_repairs_copies_after_a_bulk_write(db):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, country="VN", verified_at=timezone.now())
    product = ProductFactory(supplier=supplier)
    Product.objects.filter(pk=product.pk).update(supplier_country="", supplier_verified=False)
    assert supplier_facts.sync_supplier_facts() >= 1
    assert _facts(product) == ("VN", True)


def test_the_country_filter_follows_a_supplier_that_moves(client, db, chapter84):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER, country="CN")
    ProductFactory(supplier=supplier, name="Moving press", category=chapter84)
    assert bounded({"country": "CN"})[0] == 1
    supplier.country = "VN"
    supplier.save()
    assert bounded({"country": "CN"})[0] == 0 and bounded({"country": "VN"})[0] == 1
