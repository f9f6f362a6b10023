"""Wagtail pages: the home page, news, and help pages, in English and Simplified Chinese."""

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseGenericSetting, register_setting
from wagtail.documents.models import AbstractDocument
from wagtail.documents.models import Document as WagtailDocument
from wagtail.fields import RichTextField, StreamField
from wagtail.models import Orderable, Page
from wagtail.search import index

from cms.blocks import BodyBlock, ClauseBlock, default_clauses
from marketplace.core import caching


class HomePage(Page):
    """The site's front page: hero, the current and next fair session, featured suppliers, news."""

    hero_title = models.CharField(_("hero title"), max_length=200)
    hero_text = models.TextField(_("hero text"), blank=True)
    hero_cta_label = models.CharField(_("button label"), max_length=60, blank=True)
    hero_cta_url = models.CharField(_("button link"), max_length=200, blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [
        MultiFieldPanel(
            [
                FieldPanel("hero_title"),
                FieldPanel("hero_text"),
                FieldPanel("hero_cta_label"),
                FieldPanel("hero_cta_url"),
            ],
            heading=_("Hero"),
        ),
        InlinePanel("featured_suppliers", label=_("Featured suppliers"), max_num=12),
        FieldPanel("body"),
    ]
    search_fields = Page.search_fields + [index.SearchField("hero_text")]
    parent_page_types = ["wagtailcore.Page"]
    subpage_types = ["cms.NewsIndexPage", "cms.StandardPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("home page")

    def get_context(self, request, *args, **kwargs):
        from marketplace.fairs.selectors import current_session, next_session

        context = super().get_context(request, *args, **kwargs)
        # Lazy: the template caches these sections for two minutes, per published revision and language;
        # a company edit (directory generation) or a fair or news change (pages generation) refreshes
        # them at once.
        context["directory_generation"] = caching.value("directory")
        context["pages_generation"] = caching.value("pages")
        context["current_session"] = current_session
        context["next_session"] = next_session
        context["featured"] = lambda: [
            f.company for f in self.featured_suppliers.select_related("company", "company__industry")
        ]
        context["news"] = self.latest_news
        return context

    def latest_news(self):
        news_index = NewsIndexPage.objects.child_of(self).live().first()
        return NewsPage.objects.live().descendant_of(news_index).order_by("-date")[:3] if news_index else []


class FeaturedSupplier(Orderable):
    """A supplier the editors put on the home page."""

    page = ParentalKey(HomePage, on_delete=models.CASCADE, related_name="featured_suppliers")
    company = models.ForeignKey("companies.Company", on_delete=models.CASCADE, related_name="+")

    panels = [FieldPanel("company")]


class NewsIndexPage(Page):
    """The list of news articles."""

    intro = RichTextField(blank=True)

    content_panels = Page.content_panels + [FieldPanel("intro")]
    parent_page_types = ["cms.HomePage"]
    subpage_types = ["cms.NewsPage"]
    max_count_per_parent = 1

    class Meta:
        verbose_name = _("news index")

    def get_context(self, request, *args, **kwargs):
        from django.core.paginator import Paginator

        context = super().get_context(request, *args, **kwargs)
        articles = NewsPage.objects.live().child_of(self).order_by("-date")
        context["page_obj"] = Paginator(articles, 10).get_page(request.GET.get("page"))
        return context


class NewsPage(Page):
    """A news article: fair announcements, market notes, platform changes."""

    date = models.DateField(_("date"))
    intro = models.CharField(_("intro"), max_length=300)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("date"), FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.NewsIndexPage"]
    subpage_types: list[str] = []

    class Meta:
        verbose_name = _("news article")


class StandardPage(Page):
    """A help or information page."""

    intro = models.CharField(_("intro"), max_length=300, blank=True)
    body = StreamField(BodyBlock(), blank=True, use_json_field=True)

    content_panels = Page.content_panels + [FieldPanel("intro"), FieldPanel("body")]
    search_fields = Page.search_fields + [index.SearchField("intro"), index.SearchField("body")]
    parent_page_types = ["cms.HomePage", "cms.StandardPage"]

    class Meta:
        verbose_name = _("information page")


def _private_storage():
    return FileSystemStorage(location=settings.PRIVATE_MEDIA_ROOT / "cms", base_url=None)


class SiteDocument(AbstractDocument):
    """A file editors publish (a fair handbook, a price list). Stored outside the public media folder and
    served only through Wagtail's document view, which checks the collection's privacy settings."""

    file = models.FileField(upload_to="documents", storage=_private_storage, verbose_name=_("file"))

    admin_form_fields = WagtailDocument.admin_form_fields

    class Meta(AbstractDocument.Meta):
        verbose_name = _("document")
        verbose_name_plural = _("documents")
        permissions = [("choose_document", "Can choose document")]


@register_setting(icon="doc-full")
class ContractClauses(BaseGenericSetting):
    """The governing clauses printed on every sales contract issued from now on (cms/contracts.py)."""

    clauses = StreamField(
        [("clause", ClauseBlock())],
        default=default_clauses,
        use_json_field=True,
        verbose_name=_("clauses"),
        help_text=_("Printed in this order on each new contract; contracts already issued keep their text."),
    )

    panels = [FieldPanel("clauses")]

    class Meta:
        verbose_name = _("contract clauses")
