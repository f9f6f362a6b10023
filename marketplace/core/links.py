"""Absolute links for what leaves the site (emails, PDFs): always on the public address, `SITE_URL`."""

from django.conf import settings


def absolute_url(path: str) -> str:
    """`path` ("/showcases/…") on the site's public address."""
    if path.startswith(("http://", "https://")):
        return path
    return f"{settings.SITE_URL}{path if path.startswith('/') else '/' + path}"
