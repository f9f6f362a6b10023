from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CmsConfig(AppConfig):
    name = "cms"
    verbose_name = _("Content pages")

    def ready(self):
        from cms import caching  # noqa: F401 - declares the pages' cache generation
