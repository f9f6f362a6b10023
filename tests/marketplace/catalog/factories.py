"""factory_boy factories for catalog and showcases tests."""

import datetime
from decimal import Decimal
from io import BytesIO

import factory
from django.utils import timezone
from PIL import Image

from marketplace.catalog.models import (
    Category,
    CategoryLevel,
    PriceTier,
    Product,
    ProductCertification,
    ProductSpec,
    ProductStatus,
)
from marketplace.catalog.search import build_document
from marketplace.companies.models import CompanyKind
from marketplace.showcases.models import Showcase, ShowcaseAccess, ShowcaseItem
from tests.factories import CompanyFactory, MembershipFactory, UserFactory


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


class ShowcaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Showcase

    supplier = factory.SubFactory(CompanyFactory, kind=CompanyKind.SUPPLIER)
    title = factory.Sequence(lambda n: f"Spring offer {n}")
    message = "Prices for our partners only."
    valid_from = factory.LazyFunction(lambda: timezone.now() - datetime.timedelta(hours=1))
    valid_until = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=30))
    created_by = factory.SubFactory(UserFactory)


class ShowcaseItemFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseItem

    showcase = factory.SubFactory(ShowcaseFactory)
    product = factory.SubFactory(ProductFactory, supplier=factory.SelfAttribute("..showcase.supplier"))
    price = Decimal("77.7700")
    currency = "USD"


class ShowcaseAccessFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ShowcaseAccess

    showcase = factory.SubFactory(ShowcaseFactory)
    company = factory.SubFactory(CompanyFactory, kind=CompanyKind.BUYER, country="DE")


def buyer_member(**company_kwargs):
    """A signed-in-able owner of a new buyer company."""
    return MembershipFactory(
        company=CompanyFactory(kind=CompanyKind.BUYER, country="DE", **company_kwargs)
    ).user


def supplier_member(**company_kwargs):
    return MembershipFactory(company=CompanyFactory(kind=CompanyKind.SUPPLIER, **company_kwargs)).user


def image_bytes(fmt: str = "JPEG", size=(320, 240), color=(200, 80, 40)) -> bytes:
    buffer = BytesIO()
    Image.new("RGB", size, color).save(buffer, format=fmt)
    return buffer.getvalue()
