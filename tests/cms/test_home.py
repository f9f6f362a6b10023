"""The Wagtail home page shows hero, fair sessions, featured suppliers and news, in both languages."""

import datetime

import pytest
from django.utils import timezone
from wagtail.models import Locale, Page, Site

from cms.models import FeaturedSupplier, HomePage, NewsIndexPage, NewsPage
from tests.factories import CompanyFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def home():
    root = Page.get_first_root_node()
    Locale.objects.get_or_create(language_code="zh-hans")
    home = root.add_child(
        instance=HomePage(title="TrustFair", slug="trustfair-home", hero_title="Trade all year round")
    )
    Site.objects.update_or_create(is_default_site=True, defaults={"hostname": "localhost", "root_page": home})
    FeaturedSupplier.objects.create(
        page=home, company=CompanyFactory(name="Featured Ceramics Co", verified_at=timezone.now())
    )
    news = home.add_child(instance=NewsIndexPage(title="News", slug="news"))
    news.add_child(
        instance=NewsPage(
            title="Registration opens",
            slug="registration-opens",
            date=datetime.date(2026, 11, 1),
            intro="Book your booth.",
        )
    )
    return home


def test_home_shows_all_parts(client, home):
    today = timezone.localdate()
    FairSessionFactory(
        name="Autumn Session",
        starts_on=today - datetime.timedelta(days=1),
        ends_on=today + datetime.timedelta(days=3),
    )
    FairSessionFactory(
        name="Spring Session",
        starts_on=today + datetime.timedelta(days=150),
        ends_on=today + datetime.timedelta(days=170),
    )
    html = client.get("/").content.decode()
    for text in [
        "Trade all year round",
        "Autumn Session",
        "Spring Session",
        "Featured Ceramics Co",
        "Registration opens",
    ]:
        assert text in html


def test_home_serves_the_chinese_translation(client, home):
    zh = home.copy_for_translation(Locale.objects.get(language_code="zh-hans"))
    zh.hero_title = "全年贸易"
    zh.save_revision().publish()
    client.cookies["django_language"] = "zh-hans"
    assert "全年贸易" in client.get("/").content.decode()
    client.cookies["django_language"] = "en"
    assert "Trade all year round" in client.get("/").content.decode()


def _title(html: str) -> str:
    return html.split("<title>", 1)[1].split("</title>", 1)[0].strip()


def test_the_home_title_is_the_site_once_and_every_other_page_names_itself_first(client, home):
    """Not "TrustFair · TrustFair": the home page is the site; any other page is "<page> · TrustFair"."""
    zh = home.copy_for_translation(Locale.objects.get(language_code="zh-hans"))
    zh.title = "TrustFair 信贸展"
    zh.save_revision().publish()
    client.cookies["django_language"] = "en"
    assert _title(client.get("/").content.decode()) == "TrustFair"
    assert _title(client.get("/news/").content.decode()) == "News · TrustFair"
    client.cookies["django_language"] = "zh-hans"
    assert _title(client.get("/").content.decode()) == "TrustFair 信贸展"
    home.seo_title = "TrustFair — the 365-day fair"
    home.save_revision().publish()
    client.cookies["django_language"] = "en"
    assert _title(client.get("/").content.decode()) == "TrustFair — the 365-day fair"
