"""Whole pages cached for signed-out visitors: who gets them, when they renew, what is never shared."""

import datetime

import pytest
from django.contrib import messages
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.cache import never_cache
from wagtail.models import Page, PageViewRestriction, Site

from cms.models import HomePage, NewsIndexPage
from marketplace.core.pagecache import HEADER, VisitorPageCacheMiddleware, cache_for_visitors
from tests.factories import PASSWORD, CompanyFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def directory():
    CompanyFactory(name="Ningbo Precision Moulds")
    return reverse("companies:company_list")


def test_second_visitor_gets_the_first_visitors_page_without_a_query(
    client, directory, django_assert_num_queries
):
    first = client.get(directory)
    assert first[HEADER] == "miss" and "Ningbo Precision Moulds" in first.content.decode()
    with django_assert_num_queries(0):
        second = Client().get(directory)
    assert second[HEADER] == "hit" and second.content == first.content
    # Headers the middleware above sets still come per response.
    assert second["Content-Language"] == "en" and second["X-Frame-Options"] == first["X-Frame-Options"]


def test_a_company_change_renews_the_page(client, directory):
    client.get(directory)
    CompanyFactory(name="Shenzhen Cable Works")
    again = Client().get(directory)
    assert again[HEADER] == "miss" and "Shenzhen Cable Works" in again.content.decode()


def test_each_language_has_its_own_page(client, directory):
    client.get(directory)
    chinese = Client()
    chinese.cookies["django_language"] = "zh-hans"
    response = chinese.get(directory)
    assert response[HEADER] == "miss" and response["Content-Language"] == "zh-hans"
    assert response.content != client.get(directory).content


def test_signed_in_people_never_get_the_shared_page(client, directory, buyer_owner):
    Client().get(directory)  # a visitor fills the cache
    client.login(email=buyer_owner.email, password=PASSWORD)
    response = client.get(directory)
    assert HEADER not in response
    assert "Sign out" in response.content.decode()


def test_a_visitor_with_a_session_is_served_fresh(client, directory):
    Client().get(directory)
    client.cookies["sessionid"] = "whatever-it-holds"
    assert HEADER not in client.get(directory)


def test_visitor_pages_carry_no_csrf_token_and_the_language_switch_needs_none(directory):
    visitor = Client(enforce_csrf_checks=True)
    page = visitor.get(directory).content.decode()
    assert "csrfmiddlewaretoken" not in page
    switched = visitor.post(reverse("companies:language_switch"), {"language": "zh-hans", "next": directory})
    assert switched.status_code == 302 and switched.cookies["django_language"].value == "zh-hans"


def test_only_a_switch_with_its_token_changes_a_signed_in_persons_saved_language(buyer_owner):
    member = Client(enforce_csrf_checks=True)
    member.login(email=buyer_owner.email, password=PASSWORD)
    url = reverse("companies:language_switch")
    # A page opened before signing in (or a forged form) has no token: only the cookie changes.
    no_token = member.post(url, {"language": "zh-hans", "next": "/"})
    assert no_token.status_code == 302 and no_token.cookies["django_language"].value == "zh-hans"
    buyer_owner.refresh_from_db()
    assert buyer_owner.preferred_language != "zh-hans"
    page = member.get(reverse("companies:company_list")).content.decode()
    token = page.split('name="csrfmiddlewaretoken" value="')[1].split('"')[0]
    ok = member.post(url, {"language": "zh-hans", "next": "/", "csrfmiddlewaretoken": token})
    assert ok.status_code == 302
    buyer_owner.refresh_from_db()
    assert buyer_owner.preferred_language == "zh-hans"


def _run(view, rf):
    """One request through the middleware as Django would call it (after the middleware above it)."""
    from django.contrib.auth.models import AnonymousUser
    from django.contrib.messages.storage.fallback import FallbackStorage
    from django.contrib.sessions.backends.db import SessionStore

    request = rf.get("/somewhere/")
    request.user = AnonymousUser()
    request.session = SessionStore()
    request._messages = FallbackStorage(request)
    middleware = VisitorPageCacheMiddleware(lambda r: middleware.process_view(r, view, (), {}) or view(r))
    return middleware(request)


def test_personal_responses_are_never_stored():
    rf = RequestFactory()

    @cache_for_visitors
    def with_token(request):
        return HttpResponse(f"<form>{get_token(request)}</form>")

    @cache_for_visitors
    def with_message(request):
        messages.info(request, "Welcome back")
        return HttpResponse("<p>hello</p>")

    @cache_for_visitors
    def with_cookie(request):
        response = HttpResponse("<p>hello</p>")
        response.set_cookie("seen", "1")
        return response

    @cache_for_visitors
    def not_found(request):
        return HttpResponse("<p>gone</p>", status=404)

    @cache_for_visitors
    @never_cache
    def never(request):
        return HttpResponse("<p>for you only</p>")

    @cache_for_visitors
    def with_session(request):
        request.session["seen"] = True
        return HttpResponse("<p>hello</p>")

    for view in (with_token, with_message, with_cookie, not_found, never, with_session):
        assert _run(view, rf)[HEADER] == "bypass", view.__name__
        assert _run(view, rf)[HEADER] == "bypass", view.__name__  # nothing was kept

    @cache_for_visitors
    def plain(request):
        return HttpResponse("<p>hello</p>", headers={"Content-Language": "en", "X-Robots-Tag": "noarchive"})

    first, second = _run(plain, rf), _run(plain, rf)
    assert [first[HEADER], second[HEADER]] == ["miss", "hit"]
    assert second["X-Robots-Tag"] == "noarchive" and second.content == first.content  # the view's headers too


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    home = root.add_child(
        instance=HomePage(title="TrustFair", slug="pc-home", hero_title="Trade all year round")
    )
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    return home


def test_wagtail_pages_are_cached_and_renewed_on_publish_and_fair_changes(client, home):
    assert client.get("/")[HEADER] == "miss"
    assert client.get("/")[HEADER] == "hit"
    home.hero_title = "Trade every day"
    home.save_revision().publish()
    renewed = client.get("/")
    assert renewed[HEADER] == "miss" and "Trade every day" in renewed.content.decode()
    assert client.get("/")[HEADER] == "hit"
    FairSessionFactory(name="Winter Session")
    assert client.get("/")[HEADER] == "miss"


def test_a_page_restricted_after_it_was_cached_is_restricted_at_once(client, home):
    members = home.add_child(instance=NewsIndexPage(title="Members news", slug="members"))
    assert client.get("/members/")[HEADER] == "miss"
    PageViewRestriction.objects.create(page=members, restriction_type=PageViewRestriction.LOGIN)
    response = client.get("/members/")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_a_new_fair_session_shows_on_the_cached_home_page(client, home):
    client.get("/")
    soon = timezone.localdate() + datetime.timedelta(days=10)
    FairSessionFactory(name="Winter Session", starts_on=soon, ends_on=soon + datetime.timedelta(days=5))
    assert "Winter Session" in client.get("/").content.decode()
