"""403 and 404 use the site's layout, speak the reader's language and offer a way on."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.companies.models import PlatformRole
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_a_page_of_the_site_with_a_way_on(client):
    response = client.get("/companies/no-such-company/")
    assert response.status_code == 404
    html = response.content.decode()
    assert '<header class="site-header">' in html and "Page not found" in html
    assert 'href="/accounts/login/"' in html  # sign in…
    assert "no-such-company" not in html  # an error page never echoes the address asked for
    assert 'href="/"' in html  # …or go home


def test_it_is_in_the_readers_language(client):
    client.cookies["django_language"] = "zh-hans"
    html = client.get("/companies/no-such-company/").content.decode()
    with translation.override("zh-hans"):
        assert str(translation.gettext("Page not found")) in html
    assert "Page not found" not in html


def test_a_refused_page_says_so_and_offers_another_account(client, buyer_owner):
    client.force_login(buyer_owner)
    response = client.get(reverse("companies:supplier_home"))
    assert response.status_code == 403
    html = response.content.decode()
    assert "You cannot open this page" in html and '<header class="site-header">' in html
    assert reverse("account_logout") in html


def test_two_not_found_pages_for_a_signed_in_person_are_byte_identical(client):
    """Otherwise the CSRF token of the header's forms would differ, and so would every 404."""
    client.force_login(UserFactory(platform_role=PlatformRole.OPERATOR))
    first = client.get("/companies/no-such-company/")
    second = client.get("/companies/another-missing-one/")
    assert first.status_code == second.status_code == 404
    assert first.content == second.content
