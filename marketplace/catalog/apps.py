from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CatalogConfig(AppConfig):
    name = "marketplace.catalog"
    label = "catalog"
    verbose_name = _("Catalog")

    def ready(self):
        from django.db.models.signals import post_save, pre_save

        from marketplace.catalog import (  # noqa: F401 - connect the cache generations and credit's certificate facts
            caching,
            receivers,
            supplier_facts,
        )
        from marketplace.catalog.models import Product
        from marketplace.companies.models import Company

        pre_save.connect(
            supplier_facts.product_pre_save, sender=Product, dispatch_uid="catalog:supplier_facts"
        )
        post_save.connect(
            supplier_facts.company_post_save, sender=Company, dispatch_uid="catalog:supplier_facts"
        )
