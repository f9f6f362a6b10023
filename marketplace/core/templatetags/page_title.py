"""The <title> of every page: "<page> · TrustFair", and the site's name alone where the page is the site.

base.html wraps its `title` block in `{% filter page_title %}`: a page names only itself, and the home
page, whose own title already is the site's ("TrustFair", "TrustFair 信贸展"), is not suffixed again.
"""

from django import template
from django.conf import settings

register = template.Library()

SEPARATOR = " · "


def site_name() -> str:
    return getattr(settings, "WAGTAIL_SITE_NAME", "") or "TrustFair"


@register.filter(is_safe=True)
def page_title(title) -> str:
    title, site = str(title).strip(), site_name()
    if not title:
        return site
    if title == site or title.startswith(site + " ") or title.endswith(SEPARATOR + site):
        return title
    return f"{title}{SEPARATOR}{site}"
