"""English and Simplified Chinese, switched by the visitor and remembered."""

import pytest
from django.urls import reverse

from tests.factories import PASSWORD

pytestmark = pytest.mark.django_db


def test_switch_sets_cookie_and_pages_follow(client):
    response = client.post(
        reverse("companies:language_switch"), {"language": "zh-hans", "next": "/companies/"}
    )
    assert response.status_code == 302 and response.url == "/companies/"
    assert response.cookies["django_language"].value == "zh-hans"
    html = client.get(reverse("companies:company_list")).content.decode()
    assert 'lang="zh-CN"' in html and "公司名录" in html


def test_signed_in_choice_is_saved_and_follows_to_a_new_device(client, supplier_owner):
    client.force_login(supplier_owner)
    client.post(reverse("companies:language_switch"), {"language": "zh-hans", "next": "/"})
    supplier_owner.refresh_from_db()
    assert supplier_owner.preferred_language == "zh-hans"
    from django.test import Client

    other_device = Client()
    other_device.post(reverse("account_login"), {"login": supplier_owner.email, "password": PASSWORD})
    html = other_device.get(reverse("companies:supplier_home")).content.decode()
    assert "供应商门户" in html


def test_unknown_language_is_ignored(client):
    client.post(reverse("companies:language_switch"), {"language": "xx", "next": "/"})
    assert 'lang="en"' in client.get(reverse("companies:company_list")).content.decode()


def test_offsite_next_is_not_followed(client):
    response = client.post(
        reverse("companies:language_switch"), {"language": "en", "next": "https://evil.example/"}
    )
    assert "evil.example" not in response.get("Location", "")
