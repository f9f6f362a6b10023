from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FairsConfig(AppConfig):
    name = "marketplace.fairs"
    label = "fairs"
    verbose_name = _("Trade fairs")

    def ready(self):
        from marketplace.fairs import caching  # noqa: F401 - fair changes renew the cached pages
