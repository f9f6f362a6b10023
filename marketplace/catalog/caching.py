"""The public catalog's result pages are cached per filters, language and audience.

Any save or delete of a product, its prices, images or certificates starts a new generation, and
so does any company change (supplier names and badges sit on the cards); entries also expire after
a minute, so even a change made around the signals (a raw SQL update) shows within a minute.
"""

from django.db.models.signals import post_delete, post_save

from marketplace.caching import Generation, page_key
from marketplace.catalog.models import PriceTier, Product, ProductCertification, ProductImage
from marketplace.companies.caching import directory

HTML_SECONDS = 60

catalog = Generation("catalog")
for _model in (Product, PriceTier, ProductImage, ProductCertification):
    post_save.connect(
        catalog.bump, sender=_model, dispatch_uid=f"catalog_generation_save_{_model.__name__}", weak=False
    )
    post_delete.connect(
        catalog.bump, sender=_model, dispatch_uid=f"catalog_generation_delete_{_model.__name__}", weak=False
    )


def results_key(*, language: str, query_items, signed_in: bool) -> str:
    return f"{page_key(catalog, language=language, query_items=query_items, signed_in=signed_in)}:{directory.value()}"
