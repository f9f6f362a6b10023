"""factory_boy factories for every model of the catalog app.

The showcase factories and `buyer_member`/`supplier_member` were defined here before each app had its own
module; they are still importable from here (re-exported) for the tests written against this module.
"""

import datetime
from decimal import Decimal
from io import BytesIO

import factory
from django.core.files.base import ContentFile
from django.utils import timezone
from PIL import Image

from marketplace.catalog.models import (
    Category,
    CategoryLevel,
    ImportFormat,
    ImportStatus,
    PriceTier,
    Product,
    ProductCertification,
    ProductImage,
    ProductImport,
    ProductSpec,
    ProductStatus,
)
from marketplace.catalog.search import build_document
from marketplace.companies.models import CompanyKind
from tests.marketplace.companies.factories import (  # noqa: F401  (re-exported, see above)
    CompanyFactory,
    MembershipFactory,
    UserFactory,
    buyer_member,
    supplier_member,
)

_SHOWCASE_NAMES = ("ShowcaseFactory", "ShowcaseItemFactory", "ShowcaseAccessFactory")


def __getattr__(name):
    # Lazily, because the showcases factories import this module (a product belongs in a showcase).
    if name in _SHOWCASE_NAMES:
        from tests.marketplace.showcases import factories

        return getattr(factories, name)
    raise AttributeError(name)


class SectionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = "XVI"
    level = CategoryLevel.SECTION
    name = "Machinery and mechanical appliances; electrical equipment"
    name_zh = "机器、机械器具、电气设备"
    position = 1600


class ChapterFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Category
        django_get_or_create = ["code"]

    code = "84"
    level = CategoryLevel.CHAPTER
    parent = factory.SubFactory(SectionFactory)
    name = "Nuclear reactors, boilers, machinery"
    name_zh = "核反应堆、锅炉、机器"
    position = factory.LazyAttribute(lambda o: 1600 + int(o.code))


class ProductFactory(factory.django.DjangoModelFactory):
    """A published product with one price tier; pass `price=` and `tiers=` to change them."""

    class Meta:
        model = Product
        skip_postgeneration_save = True

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    sku = factory.Sequence(lambda n: f"SKU-{n:05d}")
    name = factory.Sequence(lambda n: f"Hydraulic press model {n}")
    name_zh = "液压机"
    description = "A sturdy press for sheet metal."
    category = factory.SubFactory(ChapterFactory)
    hs_code = "846229"
    moq = 1
    unit = "piece"
    currency = "USD"
    lead_time_days = 30
    status = ProductStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)
    incoterms = factory.LazyFunction(lambda: ["FOB"])
    port_of_loading = "Ningbo"

    @factory.post_generation
    def price(obj, create, extracted, **kwargs):
        from marketplace.catalog.money import to_usd

        if not create:
            return
        tiers = kwargs.get("tiers") or [(obj.moq, Decimal(extracted if extracted is not None else "100.00"))]
        for qty, price in tiers:
            PriceTier.objects.create(product=obj, min_quantity=qty, unit_price=Decimal(price))
        obj.min_price = min(Decimal(p) for _q, p in tiers)
        obj.min_price_usd = to_usd(obj.min_price, obj.currency)
        specs = list(obj.specs.all())
        obj.search_document = build_document(
            obj.sku,
            obj.name,
            obj.name_zh,
            obj.description,
            obj.description_zh,
            *(f"{s.name} {s.value} {s.name_zh} {s.value_zh}" for s in specs),
        )
        obj.save()


def add_spec(product: Product, name: str, value: str, name_zh: str = "", value_zh: str = "") -> ProductSpec:
    """Add a spec and refresh the product's search document the way services do."""
    from marketplace.catalog import services

    spec = ProductSpec.objects.create(
        product=product, name=name, value=value, name_zh=name_zh, value_zh=value_zh
    )
    tiers = [services.Tier(t.min_quantity, t.unit_price) for t in product.price_tiers.all()]
    specs = [services.Spec(s.name, s.value, s.name_zh, s.value_zh) for s in product.specs.all()]
    services.derive(product, tiers, specs)
    product.save()
    return spec


class CertificationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProductCertification

    product = factory.SubFactory(ProductFactory)
    standard = "CE"
    expires_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=365))


class PriceTierFactory(factory.django.DjangoModelFactory):
    """One more tier as a row; `ProductFactory(price__tiers=...)` also keeps the product's derived prices."""

    class Meta:
        model = PriceTier

    product = factory.SubFactory(ProductFactory)
    min_quantity = factory.Sequence(lambda n: 10 * (n + 2))
    unit_price = Decimal("90.00")


class ProductSpecFactory(factory.django.DjangoModelFactory):
    """A spec as a row; `add_spec` also refreshes the product's search document."""

    class Meta:
        model = ProductSpec

    product = factory.SubFactory(ProductFactory)
    name = factory.Sequence(lambda n: f"Spec {n}")
    value = "100 kN"
    name_zh = "规格"
    value_zh = "100千牛"


def image_bytes(fmt: str = "JPEG", size=(320, 240), color=(200, 80, 40)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()


class ProductImageFactory(factory.django.DjangoModelFactory):
    """A real photo and thumbnail on disk, made the way uploads are (checked and re-encoded by services)."""

    class Meta:
        model = ProductImage

    product = factory.SubFactory(ProductFactory)
    position = factory.Sequence(lambda n: n % 10)
    # Not fields: what the uploaded picture looks like (each image differs, as their sha256 must).
    color = factory.Sequence(lambda n: (n * 37 % 256, n * 91 % 256, 120))
    fmt = "JPEG"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        from marketplace.catalog.services import check_image

        color, fmt = kwargs.pop("color"), kwargs.pop("fmt")
        checked = check_image(image_bytes(fmt, color=color))
        image = model_class(
            content_type=checked.content_type,
            width=checked.width,
            height=checked.height,
            size=len(checked.display),
            sha256=checked.sha256,
            **kwargs,
        )
        image.file.save(f"image{checked.extension}", ContentFile(checked.display), save=False)
        image.thumbnail.save("thumb.webp", ContentFile(checked.thumbnail), save=False)
        image.save()
        return image


class ProductImportFactory(factory.django.DjangoModelFactory):
    """A checked-but-not-applied CSV upload as a row; tests of the import itself go through `services`."""

    class Meta:
        model = ProductImport

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    created_by = factory.SubFactory(UserFactory)
    file = factory.django.FileField(filename="catalog.csv", data=b"sku,name_en\r\n")
    original_name = "catalog.csv"
    file_format = ImportFormat.CSV
    status = ImportStatus.PREVIEWED
