"""System checks of the shared layer."""

from urllib.parse import urlsplit

from django.conf import settings
from django.core.checks import Error, register

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "0.0.0.0"}  # noqa: S104 - a list to refuse, not to bind


@register()
def site_url_is_public(app_configs, **kwargs):
    """Links in emails are built on SITE_URL: in production it must be the site's public address."""
    if settings.DEBUG:
        return []
    url = urlsplit(settings.SITE_URL or "")
    if url.scheme not in ("http", "https") or not url.hostname or url.hostname in LOCAL_HOSTS:
        return [
            Error(
                "SITE_URL must be the site's public address (e.g. https://trustfair.example) when DEBUG is off: "
                f"every link in an email starts with it (now {settings.SITE_URL!r}).",
                id="core.E001",
            )
        ]
    return []
