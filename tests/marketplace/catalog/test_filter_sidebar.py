"""The filter form drawn once per language and marked per request (`{% filter_form %}`, issue 12) is
byte for byte what Django renders for the same bound form: every filter of the product search, the
supplier portal and the directory, values that need escaping, both languages; a form with errors and a
FilterSet whose options vary per request are rendered in full; a new category or industry shows."""

import pytest
from django.http import QueryDict
from django.template.loader import render_to_string
from django.utils import timezone, translation

from marketplace.catalog.filters import PortalProductFilter, ProductFilter, SupplierSiteFilter
from marketplace.catalog.models import Product
from marketplace.companies.filters import CompanyFilter
from marketplace.companies.models import Company, CompanyKind, Industry
from marketplace.core.templatetags import filter_sidebar
from tests.factories import CompanyFactory
from tests.marketplace.catalog.factories import ChapterFactory, ProductFactory

pytestmark = pytest.mark.django_db


def _query(params: dict) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in params.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


RENDERED: list = []


@pytest.fixture(autouse=True)
def _count_full_renders(monkeypatch):
    """Record each form drawn through the template, bound or blank: a marked form draws none."""
    original = filter_sidebar._render
    RENDERED.clear()
    monkeypatch.setattr(
        filter_sidebar, "_render", lambda form: RENDERED.append(form.is_bound) or original(form)
    )


def _both(filterset_class, params: dict, queryset) -> tuple[str, str]:
    filterset = filterset_class(_query(params), queryset=queryset)
    filterset.qs  # noqa: B018 - the list page filters (and validates) before it draws the form
    full = render_to_string("includes/form.html", {"form": filterset.form})
    RENDERED.clear()
    return filter_sidebar._filter_sidebar_html(filterset), full


def _marked() -> bool:
    """The last `_both` marked a blank form instead of drawing the bound one."""
    return True not in RENDERED


PRODUCT_PARAMS = [
    {},
    {"q": "hydraulic press"},
    {"q": "a \"quoted\" <b>&amp; 'word'"},
    {"q": "液压机 水泵"},
    {"category": "84"},
    {"category": "XVI", "sort": "price"},
    {"country": "CN", "verified": "on"},
    {"country": "VN", "currency": "EUR", "price_min": "10", "price_max": "500.5"},
    {"moq_max": "10", "lead_time_max": "30", "certification": "CE", "sort": "-price"},
    {"sort": "newest", "verified": "true"},
    {"sort": "relevance", "q": "pump", "page": "2"},
    {"q": "", "country": "", "sort": ""},
]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize("params", PRODUCT_PARAMS)
def test_the_product_search_form_is_what_django_draws(chapter84, language, params):
    with translation.override(language):
        fast, full = _both(ProductFilter, params, Product.objects.public())
    assert fast == full and _marked()


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_chosen_values_are_marked(chapter84, language):
    with translation.override(language):
        fast, full = _both(
            ProductFilter, {"country": "VN", "verified": "on", "price_min": "7"}, Product.objects
        )
    assert fast == full and _marked()
    assert '<option value="VN" selected>' in fast
    assert 'name="price_min" value="7"' in fast
    assert 'name="verified" id="id_verified" checked>' in fast
    blank, _ = _both(ProductFilter, {}, Product.objects)
    assert '<option value="VN" selected>' not in blank and 'value="7"' not in blank


def test_the_blank_form_is_drawn_once_per_language(chapter84, django_assert_num_queries):
    _both(ProductFilter, {"country": "CN"}, Product.objects)
    with translation.override("zh-hans"):
        _both(ProductFilter, {"country": "CN"}, Product.objects)
    keys = {key[2] for key in filter_sidebar._blank if key[1] == "ProductFilter"}
    assert {"en", "zh-hans"} <= keys
    before = dict(filter_sidebar._blank)
    _both(ProductFilter, {"country": "DE", "q": "valve"}, Product.objects)
    assert RENDERED == []  # neither the blank form nor the bound one drawn
    assert filter_sidebar._blank == before  # marked, not drawn again


def test_a_new_category_shows_in_the_form(chapter84):
    fast, _full = _both(ProductFilter, {}, Product.objects)
    assert "Sidebar test chapter" not in fast
    ChapterFactory(code="99", name="Sidebar test chapter", name_zh="测试章")
    fast, full = _both(ProductFilter, {"category": "99"}, Product.objects)
    assert fast == full and _marked() and "Sidebar test chapter" in fast


@pytest.mark.parametrize("params", [{"price_min": "cheap"}, {"country": "XX"}, {"sort": "random"}])
def test_a_form_with_errors_is_drawn_in_full(chapter84, params):
    fast, full = _both(ProductFilter, params, Product.objects)
    assert fast == full and "has-error" in fast and not _marked()


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "SKU-1"},
        {"status": "draft", "category": "84"},
        {"showcase_only": "true"},
        {"showcase_only": "false"},
    ],
)
def test_the_portal_form_is_what_django_draws(chapter84, params):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    for language in ("en", "zh-hans"):
        with translation.override(language):
            fast, full = _both(PortalProductFilter, params, Product.objects.filter(supplier=supplier))
        assert fast == full and _marked()


def test_a_supplier_site_form_is_drawn_for_its_own_categories(chapter84, chapter85):
    supplier = CompanyFactory(kind=CompanyKind.SUPPLIER)
    ProductFactory(supplier=supplier, category=chapter85)
    fast, full = _both(SupplierSiteFilter, {"category": "85"}, Product.objects.filter(supplier=supplier))
    assert fast == full and '<option value="84"' not in fast


@pytest.fixture
def directory(db):
    industry = Industry.objects.order_by("pk").first()
    for country in ("CN", "VN", "DE"):
        CompanyFactory(country=country, industry=industry, verified_at=timezone.now())
    return industry


@pytest.mark.parametrize("language", ["en", "zh-hans"])
@pytest.mark.parametrize(
    "params",
    [
        {},
        {"q": "precision <tools>"},
        {"country": "VN"},
        {"role": "supplier", "verified": "true"},
        {"verified": "false", "sort": "-joined"},
        {"sort": "-verified"},
        {"sort": "-name", "q": "精密"},
    ],
)
def test_the_directory_form_is_what_django_draws(directory, language, params):
    params = {**params, **({"industry": directory.slug} if "country" in params else {})}
    with translation.override(language):
        fast, full = _both(CompanyFilter, params, Company.objects.all())
    assert fast == full and _marked()


def test_a_new_industry_shows_in_the_directory_form(directory):
    _both(CompanyFilter, {}, Company.objects.all())
    Industry.objects.create(slug="sidebar-test", name="Sidebar test industry", name_zh="测试行业")
    fast, full = _both(CompanyFilter, {"industry": "sidebar-test"}, Company.objects.all())
    assert fast == full and _marked() and "Sidebar test industry" in fast
