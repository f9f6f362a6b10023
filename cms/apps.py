from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content pages")

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction
        from wagtail.signals import page_published, page_unpublished, post_page_move

        from marketplace.pagecache import pages

        # Cached visitor pages show page titles, menus and news: any change to the tree renews them.
        for name, signal in (
            ("published", page_published),
            ("unpublished", page_unpublished),
            ("moved", post_page_move),
        ):
            signal.connect(pages.bump, dispatch_uid=f"pagecache_page_{name}", weak=False)
        post_delete.connect(pages.bump, sender=Page, dispatch_uid="pagecache_page_delete", weak=False)
        # A cache hit skips Wagtail's privacy check, so restricting a page must drop its cached copy.
        for name, signal in (("save", post_save), ("delete", post_delete)):
            signal.connect(
                pages.bump,
                sender=PageViewRestriction,
                dispatch_uid=f"pagecache_restriction_{name}",
                weak=False,
            )
