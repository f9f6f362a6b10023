"""The list helper: filter, count (bounded, known or shared), paginate, and cache the rendered results."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.db import connection
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from marketplace.companies.filters import CompanyFilter
from marketplace.companies.models import Company
from marketplace.core import caching
from marketplace.core.lists import ListPage, ListPaginator, ResultsCache, querystring_without_page
from tests.factories import CompanyFactory, UserFactory

pytestmark = pytest.mark.django_db

RESULTS = "companies/includes/directory_results.html"


def _request(query: dict | None = None, user=None):
    request = RequestFactory().get("/list/", query or {})
    request.user = user or AnonymousUser()
    return request


def _names(html: str) -> list[str]:
    return re.findall(r'<h3><a href="[^"]+">([^<]+)</a>', html)


@pytest.fixture
def five():
    return [CompanyFactory(name=f"Firm {letter}") for letter in "ABCDE"]


def test_querystring_keeps_the_filters_and_drops_the_page():
    assert (
        querystring_without_page(_request({"q": "valve", "page": "3", "country": "CN"}))
        == "q=valve&country=CN"
    )


class TestPaginator:
    def test_a_cap_bounds_the_count_to_one_query_of_cap_plus_one_keys(self, five, django_assert_num_queries):
        paginator = ListPaginator(Company.objects.order_by("name"), 2, cap=3)
        with django_assert_num_queries(1) as ctx:
            assert paginator.count == 3
        assert paginator.capped and paginator.num_pages == 2
        assert "LIMIT 4" in ctx.captured_queries[0]["sql"]

    def test_under_the_cap_the_count_is_exact(self, five):
        paginator = ListPaginator(Company.objects.order_by("name"), 2, cap=10)
        assert paginator.count == 5 and not paginator.capped and paginator.num_pages == 3

    def test_without_a_cap_it_counts_everything(self, five):
        paginator = ListPaginator(Company.objects.order_by("name"), 2)
        assert paginator.count == 5 and not paginator.capped

    def test_a_known_count_is_not_asked_again(self, five, django_assert_num_queries):
        paginator = ListPaginator(Company.objects.order_by("name"), 2, cap=3, known_count=4)
        with django_assert_num_queries(0):
            assert paginator.count == 3 and paginator.capped

    def test_a_shared_count_is_counted_once_per_key(self, five, django_assert_num_queries):
        rows = Company.objects.order_by("name")
        assert ListPaginator(rows, 2, count_key="test:count", count_seconds=60).count == 5
        CompanyFactory(name="Firm F")
        with django_assert_num_queries(0):
            assert ListPaginator(rows, 2, count_key="test:count", count_seconds=60).count == 5
        assert ListPaginator(rows, 2, count_key="test:other", count_seconds=60).count == 6


class TestPage:
    def test_an_uncached_page_filters_pages_and_adds_the_views_context(self, five):
        page = ListPage(filterset=CompanyFilter, template=RESULTS, per_page=2)
        request = _request({"q": "firm", "sort": "-name", "page": "2"})
        context = page.context(request, Company.objects.select_related("industry"))
        assert [c.name for c in context["page_obj"]] == ["Firm C", "Firm B"]
        assert context["page_obj"].paginator.count == 5 and not context["capped"]
        assert context["querystring"] == "q=firm&sort=-name"
        assert isinstance(context["filter"], CompanyFilter)
        response = page.render(request, Company.objects.select_related("industry"), extra="unused")
        assert _names(response.content.decode()) == ["Firm C", "Firm B"]

    def test_the_queryset_may_be_a_function_and_a_bad_filter_is_reported_not_applied(self, five):
        page = ListPage(filterset=CompanyFilter, template=RESULTS, per_page=10)
        context = page.context(_request({"country": "XX", "q": "firm e"}), Company.objects.all)
        assert "country" in context["filter"].errors
        assert [c.name for c in context["page_obj"]] == ["Firm E"]

    def test_a_cached_list_needs_a_results_template(self):
        with pytest.raises(ValueError, match="results_template"):
            ListPage(
                filterset=CompanyFilter, template=RESULTS, per_page=2, cache=ResultsCache(("directory",), 60)
            )


@pytest.fixture
def cached_page():
    return ListPage(
        filterset=CompanyFilter,
        template="companies/company_list.html",
        results_template=RESULTS,
        per_page=2,
        cache=ResultsCache(generations=("directory",), seconds=60, count_seconds=60),
    )


class TestCachedResults:
    def test_a_hit_builds_no_queryset_and_runs_no_query(self, five, cached_page, django_assert_num_queries):
        built = []

        def rows():
            built.append(1)
            return Company.objects.select_related("industry")

        first = cached_page.results(_request({"q": "firm"}), rows)
        with django_assert_num_queries(0):
            assert cached_page.results(_request({"q": "firm"}), rows) == first
        assert built == [1] and _names(first) == ["Firm A", "Firm B"]

    def test_a_change_to_the_rows_shows_at_once(self, five, cached_page):
        rows = Company.objects.select_related("industry")
        assert _names(cached_page.results(_request(), rows)) == ["Firm A", "Firm B"]
        five[0].name = "Firm Z"
        five[0].save()  # bumps the directory generation
        assert _names(cached_page.results(_request(), rows)) == ["Firm B", "Firm C"]

    def test_languages_audiences_and_filters_are_cached_apart(self, five, cached_page):
        rows = Company.objects.select_related("industry")
        english = cached_page.results(_request(), rows)
        assert "5 companies" in english
        with translation.override("zh-hans"):
            assert cached_page.results(_request(), rows) != english
        signed_in = _request(user=UserFactory())
        Company.objects.filter(pk=five[0].pk).update(name="Firm Y")  # around the signals: no bump
        assert _names(cached_page.results(signed_in, rows)) == ["Firm B", "Firm C"]
        assert _names(cached_page.results(_request(), rows)) == ["Firm A", "Firm B"]  # the cached copy
        assert _names(cached_page.results(_request({"q": "firm e"}), rows)) == ["Firm E"]

    def test_the_count_is_shared_by_every_page_and_language(self, five, cached_page):
        rows = Company.objects.select_related("industry")

        def counts(request) -> tuple[int, str]:
            with CaptureQueriesContext(connection) as ctx:
                html = cached_page.results(request, rows)
            return sum("COUNT(" in q["sql"].upper() for q in ctx.captured_queries), html

        assert counts(_request({"page": "1"}))[0] == 1
        n, html = counts(_request({"page": "2"}))
        assert n == 0 and _names(html) == ["Firm C", "Firm D"] and "5 companies" in html
        with translation.override("zh-hans"):
            assert counts(_request({"page": "1"}))[0] == 0
        assert counts(_request({"page": "1", "q": "firm"}))[0] == 1  # other filters, another count

    def test_render_puts_the_results_into_the_page(self, five, cached_page):
        response = cached_page.render(_request(), Company.objects.select_related("industry"))
        body = response.content.decode()
        assert "<html" in body and _names(body) == ["Firm A", "Firm B"]


@pytest.fixture
def scratch_generations():
    """Generations a test declares are forgotten after it, with their receivers."""
    from django.db.models.signals import post_delete, post_save

    from marketplace.companies.models import Industry

    before = set(caching._registry)
    yield
    for name in set(caching._registry) - before:
        del caching._registry[name]
        for what, signal in (("save", post_save), ("delete", post_delete)):
            signal.disconnect(sender=Industry, dispatch_uid=f"generation:{name}:companies.Industry:{what}")


@pytest.mark.usefixtures("scratch_generations")
class TestGenerations:
    def test_the_apps_declare_their_generations(self):
        assert {"catalog", "directory", "pages"} <= {g.name for g in caching.generations()}
        assert [g.name for g in caching.generations()] == sorted(g.name for g in caching.generations())

    def test_an_undeclared_name_is_an_error(self):
        with pytest.raises(LookupError, match="No cache generation 'nope'"):
            caching.value("nope")

    def test_a_declared_model_bumps_once_per_change_however_often_it_is_declared(self, monkeypatch):
        from marketplace.companies.models import Industry

        generation = caching.register("test-industries", models=(Industry,))
        assert caching.register("test-industries", models=(Industry,)) is generation
        bumps = []
        monkeypatch.setattr(generation, "_incr", lambda: bumps.append(1))
        from tests.factories import IndustryFactory

        IndustryFactory()
        assert len(bumps) == 1  # at once; the second comes when the transaction commits

    def test_a_signal_with_a_sender_bumps_only_for_that_sender(self):
        from django.dispatch import Signal

        signal = Signal()
        generation = caching.register("test-signal", signals=((signal, Company),))
        before = generation.value()
        signal.send(sender=UserFactory._meta.model)
        assert generation.value() == before
        signal.send(sender=Company)
        assert generation.value() > before

    def test_anything_but_a_signal_is_refused(self):
        with pytest.raises(TypeError, match="is not a signal"):
            caching.register("test-bad", signals=("post_save",))


def test_a_refused_filter_value_opens_the_folded_filters_so_its_error_shows_on_a_phone(client, five):
    """The error is in the filter form, which a phone folds away: the page opens it instead of showing a
    list that looks as if the filter were applied."""
    toggle = 'id="filters-toggle" class="filters-toggle" hidden'
    bad = client.get(reverse("companies:company_list"), {"country": "XX"}).content.decode()
    assert f"{toggle} checked>" in bad
    assert "Select a valid choice" in bad and 'role="alert"' in bad
    good = client.get(reverse("companies:company_list"), {"q": "firm"}).content.decode()
    assert f"{toggle}>" in good


def test_chained_reads_its_parts_one_after_another_each_only_where_a_slice_overlaps_it():
    from django.core.paginator import Paginator

    from marketplace.core.lists import Chained

    companies = [CompanyFactory(name=f"Chain {n:02d}") for n in range(7)]
    ids = [c.pk for c in companies]
    first = Company.objects.filter(pk__in=ids[:3]).order_by("-name")  # 02, 01, 00
    second = Company.objects.filter(pk__in=ids[3:]).order_by("name")  # 03 … 06
    chained = Chained(first, second)
    assert chained.count() == len(chained) == 7
    names = [c.name for c in chained[0:7]]
    assert names == ["Chain 02", "Chain 01", "Chain 00", "Chain 03", "Chain 04", "Chain 05", "Chain 06"]
    assert [c.name for c in chained[2:5]] == ["Chain 00", "Chain 03", "Chain 04"]
    with CaptureQueriesContext(connection) as inside_one:
        assert [c.name for c in chained[4:6]] == ["Chain 04", "Chain 05"]
    assert len(inside_one.captured_queries) == 1  # the counts are kept; the first part is not read
    assert chained[9:12] == []
    pages = Paginator(Chained(first, Company.objects.none(), second), 3)
    assert pages.num_pages == 3 and [c.name for c in pages.page(3)] == ["Chain 06"]
    with pytest.raises(TypeError):
        chained[0]
