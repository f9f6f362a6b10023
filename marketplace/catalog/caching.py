"""The catalog's cache generation: any save or delete of a product, its prices, images or certificates.

The public search caches its results under this generation and the directory's (supplier names and
badges sit on the cards); entries also expire after a minute, so even a change made around the
signals (a raw SQL update) shows within a minute.
"""

from marketplace.catalog.models import PriceTier, Product, ProductCertification, ProductImage
from marketplace.core import caching

HTML_SECONDS = 60

catalog = caching.register("catalog", models=(Product, PriceTier, ProductImage, ProductCertification))
