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


def test_chinese_catalogue_is_complete_and_valid():
    """Every message has a Chinese translation, none is fuzzy, and placeholders match (msgfmt -c)."""
    import shutil
    import subprocess
    from pathlib import Path

    from django.conf import settings

    msgfmt = shutil.which("msgfmt")
    if msgfmt is None:
        pytest.fail("msgfmt (gettext) is needed: make test installs it")
    po = Path(settings.BASE_DIR) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
    result = subprocess.run(  # noqa: S603 - our own catalogue through gettext's msgfmt
        [msgfmt, "--check", "--statistics", "-o", "/dev/null", str(po)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    assert "untranslated" not in result.stderr and "fuzzy" not in result.stderr, result.stderr


def test_words_with_two_meanings_are_translated_by_context(settings):
    from django.utils import translation

    from marketplace.catalog.models import Category, CategoryLevel
    from marketplace.showcases.models import InterestStatus, ShowcaseState

    with translation.override("zh-hans"):
        assert str(ShowcaseState.OPEN.label) == "开放中"  # a showcase that is open
        assert translation.gettext("Open") == "查看"  # a link that opens a page
        assert str(InterestStatus.OPEN.label) == "新意向"
        assert translation.gettext("New") == "新增"  # new rows in an import
        chapter = Category(code="84", level=CategoryLevel.CHAPTER, name="Machinery", name_zh="机械")
        assert chapter.label == "第 84 章 — 机械"
    assert chapter.label == "Chapter 84 — Machinery"
