# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The CMS part of the demo world, called by `manage.py seed_demo` (marketplace/demo).

The home page (in place of Wagtail's welcome page, with featured suppliers), a news index with five
articles and a help page, in English and Simplified Chinese. Idempotent: pages are keyed by their
parent and slug, translations by their locale.
"""

import random
import time
from collections.abc import Callable, Iterable
from datetime import timedelta
from typing import NamedTuple

from django.contrib.contenttypes.models import ContentType
from django.utils import timezone
from wagtail.models import Locale, Page, Site
from wagtail.rich_text import RichText

from cms.models import FeaturedSupplier, HomePage, NewsIndexPage, NewsPage, StandardPage
from marketplace.companies.models import Company

# Wagtail pages, in English and Simplified Chinese. Body paragraphs are rich text (HTML).
HOME_PAGE = {
    "en": {
        "title": "TrustFair",
        "hero_title": "Meet verified suppliers all year round",
        "hero_text": (
            "TrustFair keeps the fair's exhibitors and buyers trading between sessions: search verified "
            "companies, share private showcases, meet at the booth or online, and run every deal on one "
            "recorded trade chain."
        ),
        "hero_cta_label": "Browse suppliers",
        "hero_cta_url": "/companies/?role=supplier",
    },
    "zh-hans": {
        "title": "TrustFair 信贸展",
        "hero_title": "全年对接经过认证的供应商",
        "hero_text": (
            "TrustFair 让展会的展商与采购商在两届展会之间持续交易：搜索经过认证的企业，分享私享展厅，"
            "在展位或线上洽谈，并在同一条可追溯的交易链上完成每一笔交易。"
        ),
        "hero_cta_label": "浏览供应商",
        "hero_cta_url": "/companies/?role=supplier",
    },
}

NEWS_INDEX_PAGE = {
    "slug": "news",
    "en": {"title": "News", "intro": "<p>Fair announcements, market notes and platform changes.</p>"},
    "zh-hans": {"title": "新闻", "intro": "<p>展会公告、市场动态与平台更新。</p>"},
}


class Article(NamedTuple):
    slug: str
    days_ago: int
    title: str
    intro: str
    body: tuple[str, ...]
    title_zh: str
    intro_zh: str
    body_zh: tuple[str, ...]


NEWS: tuple[Article, ...] = (
    Article(
        "exhibitor-registration-opens",
        4,
        "Exhibitor registration opens for the next session",
        "Suppliers can now apply for booths in all three phases; verified companies are reviewed first.",
        (
            "Applications for the next session are open until four weeks before phase one. Booth allocation "
            "follows the industry of each phase, and companies whose business licence is verified on TrustFair "
            "are reviewed first.",
            "Upload your business licence and export licence in the company portal to get verified before you "
            "apply.",
        ),
        "下一届展会展商报名开启",
        "供应商现可申请三期展位；已认证企业优先审核。",
        (
            "下一届展会报名截至第一期开幕前四周。展位按各期行业分配，营业执照已在 TrustFair 认证的企业优先审核。",
            "请在企业门户上传营业执照和出口许可证，在报名前完成认证。",
        ),
    ),
    Article(
        "private-showcases",
        17,
        "Private showcases: show new products to chosen buyers only",
        "A supplier can now send a private selection of products to named buyers and see who opened it.",
        (
            "Private showcases let a supplier present new or custom products to the buyers it chooses, without "
            "publishing them in the open catalogue.",
            "Each invited buyer gets a personal link; the supplier sees when the showcase was viewed and can "
            "answer inquiries from it directly.",
        ),
        "私享展厅：只向指定采购商展示新品",
        "供应商可将精选产品私下推送给指定采购商，并查看谁已浏览。",
        (
            "私享展厅让供应商向自己选择的采购商展示新品或定制产品，而无需在公开目录中发布。",
            "每位受邀采购商都会收到专属链接；供应商可查看展厅的浏览情况，并直接回复由此产生的询盘。",
        ),
    ),
    Article(
        "credit-index-pilot",
        39,
        "Credit index pilot with partner banks and insurers",
        "Trade, insurance and participation records now feed one credit index per company.",
        (
            "The TrustFair credit index scores each company from 0 to 1000 using its recorded trade, export "
            "credit insurance and fair participation.",
            "During the pilot, partner banks use the index to pre-qualify suppliers for order financing, and "
            "buyers see a supplier's grade on its profile.",
        ),
        "携手合作银行与保险机构试点信用指数",
        "交易、保险与参展记录现已汇入每家企业的信用指数。",
        (
            "TrustFair 信用指数依据企业有记录的交易、出口信用保险和参展情况，给出 0 至 1000 的评分。",
            "试点期间，合作银行以该指数对供应商进行订单融资预审，采购商可在供应商主页查看其信用等级。",
        ),
    ),
    Article(
        "faster-verification",
        74,
        "Company verification now takes two working days",
        "Operators review business licences within two working days, and tell you exactly what is missing.",
        (
            "Every document you upload is checked by its content, not its file name, and reviewed by an "
            "operator. A rejection always comes with a reason.",
            "Verified companies get a badge in the directory and on their profile.",
        ),
        "企业认证缩短至两个工作日",
        "运营人员将在两个工作日内审核营业执照，并明确告知缺少的材料。",
        (
            "您上传的每份文件都会按内容而非文件名进行检查，并由运营人员审核。被驳回时一定会附上原因。",
            "通过认证的企业将在企业名录和企业主页上显示认证标识。",
        ),
    ),
    Article(
        "last-session-in-review",
        196,
        "The last session in review",
        "Three phases, twelve halls and buyers from every continent: what the last session brought.",
        (
            "Over three phases the halls of the Pazhou International Trade Fair Complex hosted machinery and "
            "electronics, then consumer goods and building materials, then textiles, garments and health "
            "products.",
            "Meetings booked on TrustFair before the fair were twice as likely to lead to a quotation.",
        ),
        "上届展会回顾",
        "三期展览、十二个展馆、来自各大洲的采购商：上届展会成果一览。",
        (
            "琶洲国际贸易展览中心分三期先后展出机械与电子、日用消费品与建材、纺织服装与健康产品。",
            "展前通过 TrustFair 预约的洽谈，促成报价的可能性高出一倍。",
        ),
    ),
)

HELP_PAGE = {
    "slug": "help",
    "en": {
        "title": "Help",
        "intro": "Answers to the questions buyers and suppliers ask most.",
        "body": (
            ("heading", "Finding suppliers"),
            (
                "paragraph",
                '<p>Open the <a href="/companies/">company directory</a> and filter by country, '
                "industry and role. Tick <b>Verified only</b> to see companies whose business "
                "licence an operator has checked.</p>",
            ),
            ("heading", "Getting your company verified"),
            (
                "paragraph",
                "<p>In the company portal, upload your business licence (PDF, JPEG or PNG). An "
                "operator reviews it, usually within two working days, and you are told the "
                "outcome and, if it is rejected, why.</p>",
            ),
            ("heading", "Signing in securely"),
            (
                "paragraph",
                "<p>Platform staff sign in with a password and a one-time code from an "
                "authenticator app. Company members can add the same second factor in their "
                "account settings.</p>",
            ),
        ),
    },
    "zh-hans": {
        "title": "帮助",
        "intro": "采购商和供应商最常问的问题。",
        "body": (
            ("heading", "查找供应商"),
            (
                "paragraph",
                '<p>打开<a href="/companies/">企业名录</a>，按国家、行业和角色筛选。勾选'
                "<b>仅显示已认证</b>，即可查看营业执照已由运营人员核验的企业。</p>",
            ),
            ("heading", "企业认证"),
            (
                "paragraph",
                "<p>在企业门户上传营业执照（PDF、JPEG 或 PNG）。运营人员通常在两个工作日内完成审核，"
                "并告知结果；如被驳回，会说明原因。</p>",
            ),
            ("heading", "安全登录"),
            (
                "paragraph",
                "<p>平台工作人员需使用密码和身份验证器应用生成的一次性验证码登录。企业成员也可在账户设置中"
                "启用同样的双重验证。</p>",
            ),
        ),
    },
}


def _rich_body(blocks) -> list:
    return [(kind, RichText(value) if kind == "paragraph" else value) for kind, value in blocks]


def _page_type():
    return ContentType.objects.get_for_model(Page)


def seed_pages(
    *,
    supplier: Company,
    companies: Iterable[Company],
    seed: int,
    stage: Callable[..., None] = lambda *a, **k: None,
) -> int:
    """The site in both languages; `supplier` leads the featured suppliers, seven verified others follow."""
    started = time.monotonic()
    pages = _Pages()
    en, _ = Locale.objects.get_or_create(language_code="en")
    zh, _ = Locale.objects.get_or_create(language_code="zh-hans")
    home = pages.home(en, supplier=supplier, companies=companies, rng=random.Random(f"{seed}:featured"))
    news_index = pages.child(home, NewsIndexPage, NEWS_INDEX_PAGE["slug"], **NEWS_INDEX_PAGE["en"])
    today = timezone.localdate()
    articles = [
        pages.child(
            news_index,
            NewsPage,
            a.slug,
            title=a.title,
            intro=a.intro,
            date=today - timedelta(days=a.days_ago),
            body=_rich_body(("paragraph", f"<p>{p}</p>") for p in a.body),
        )
        for a in NEWS
    ]
    help_en = HELP_PAGE["en"]
    help_page = pages.child(
        home,
        StandardPage,
        HELP_PAGE["slug"],
        title=help_en["title"],
        intro=help_en["intro"],
        body=_rich_body(help_en["body"]),
    )

    # The Simplified Chinese tree: same slugs below the home page, parents before children.
    pages.translate(home, zh, **HOME_PAGE["zh-hans"])
    pages.translate(news_index, zh, **NEWS_INDEX_PAGE["zh-hans"])
    for page, a in zip(articles, NEWS, strict=True):
        pages.translate(
            page,
            zh,
            title=a.title_zh,
            intro=a.intro_zh,
            body=_rich_body(("paragraph", f"<p>{p}</p>") for p in a.body_zh),
        )
    help_zh = HELP_PAGE["zh-hans"]
    pages.translate(
        help_page, zh, title=help_zh["title"], intro=help_zh["intro"], body=_rich_body(help_zh["body"])
    )
    stage("wagtail pages", started, total=Page.objects.count() - 1, new=pages.new)
    return pages.new


class _Pages:
    """Finds or makes pages, counting the new ones."""

    def __init__(self):
        self.new = 0

    def home(
        self, en: Locale, *, supplier: Company, companies: Iterable[Company], rng: random.Random
    ) -> Page:
        """The English home page, in place of the "Welcome to your new Wagtail site!" page, as the site root."""
        home = HomePage.objects.filter(locale=en).first()
        if home is None:
            # Wagtail's migrations make the tree's root; a flushed database (a transactional test, a hand
            # clean-up) has none, and the demo makes it again.
            root = Page.get_first_root_node() or Page.add_root(
                instance=Page(title="Root", slug="root", locale=en, content_type=_page_type())
            )
            # Wagtail's own placeholder; deleting it also deletes the Site pointing at it (recreated below).
            for placeholder in root.get_children().filter(
                content_type__model="page", content_type__app_label="wagtailcore"
            ):
                placeholder.delete()
            root.refresh_from_db()
            home = HomePage(slug="home", locale=en, **HOME_PAGE["en"])
            verified = sorted(
                (c for c in companies if c.is_verified and c.is_supplier and c != supplier),
                key=lambda c: c.slug,
            )
            featured = [supplier, *rng.sample(verified, min(7, len(verified)))]
            home.featured_suppliers = [
                FeaturedSupplier(company=c, sort_order=i) for i, c in enumerate(featured)
            ]
            root.add_child(instance=home)
            home.save_revision().publish()
            self.new += 1
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            Site.objects.create(
                hostname="localhost", port=80, site_name="TrustFair", root_page=home, is_default_site=True
            )
        elif site.root_page_id != home.pk:
            site.root_page = home
            site.site_name = site.site_name or "TrustFair"
            site.save()
        return home

    def child(self, parent: Page, model, slug: str, **fields) -> Page:
        page = model.objects.child_of(parent).filter(slug=slug).first()
        if page is None:
            page = model(slug=slug, locale=parent.locale, **fields)
            parent.add_child(instance=page)
            page.save_revision().publish()
            self.new += 1
        return page

    def translate(self, page: Page, locale: Locale, **fields) -> Page:
        translation_page = page.get_translation_or_none(locale)
        if translation_page is None:
            translation_page = page.copy_for_translation(locale).specific
            for name, value in fields.items():
                setattr(translation_page, name, value)
            translation_page.save_revision().publish()
            self.new += 1
        return translation_page
