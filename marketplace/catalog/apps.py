from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "marketplace.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from marketplace.catalog import (  # noqa: F401 - connect the cache generations and credit's certificate facts
            caching,
            receivers,
        )
