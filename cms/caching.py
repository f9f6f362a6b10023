"""The Wagtail pages' cache generation: cached visitor pages show page titles, menus and news.

Any change to the tree (publish, unpublish, move, delete) renews them; so does adding or removing a
view restriction, because a cache hit skips Wagtail's privacy check. Fair sessions bump it too
(`marketplace/fairs/caching.py`): the home page and fair pages show them.
"""

from django.db.models.signals import post_delete
from wagtail.models import Page, PageViewRestriction
from wagtail.signals import page_published, page_unpublished, post_page_move

from marketplace.core import caching

pages = caching.register(
    "pages",
    models=(PageViewRestriction,),
    signals=(page_published, page_unpublished, post_page_move, (post_delete, Page)),
)
