"""Products a supplier sells: HS categories, bilingual texts, price tiers, specifications, images, certificates."""

import re
import secrets
from datetime import date
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.contrib.postgres.search import SearchVectorField
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from marketplace.catalog.money import CURRENCY_CHOICES
from marketplace.companies.models import Company
from marketplace.core.files import private_storage
from marketplace.core.languages import localized
from marketplace.core.money import MONEY_DECIMAL_PLACES, MONEY_MAX_DIGITS, validate_currency_code
from marketplace.core.transitions import TransitionTable

HS_CODE_RE = re.compile(r"^\d{6,10}$")


def normalize_hs_code(value: str) -> str:
    """'8477.10' and '8477 10' are written forms of 847710: keep the digits."""
    return re.sub(r"[\s.]", "", value or "")


def validate_hs_code(value: str) -> None:
    if not HS_CODE_RE.match(normalize_hs_code(value)):
        raise ValidationError(
            _("An HS code has 6 to 10 digits (dots allowed), e.g. 8477.10; got “%(value)s”."),
            params={"value": value},
            code="hs_code",
        )


class CategoryLevel(models.TextChoices):
    SECTION = "section", _("Section")
    CHAPTER = "chapter", _("Chapter")


class Category(models.Model):
    """A node of the Harmonized System: one of its 21 sections or one of their chapters."""

    code = models.CharField(_("code"), max_length=10, unique=True)
    level = models.CharField(_("level"), max_length=10, choices=CategoryLevel.choices)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(_("name"), max_length=300)
    name_zh = models.CharField(_("name (Chinese)"), max_length=100, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position"]
        verbose_name = _("category")
        verbose_name_plural = _("categories")

    def __str__(self):
        return f"{self.code} {self.display_name}"

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def label(self) -> str:
        if self.level == CategoryLevel.SECTION:
            return _("Section %(code)s — %(name)s") % {"code": self.code, "name": self.display_name}
        return _("Chapter %(code)s — %(name)s") % {"code": self.code, "name": self.display_name}

    def subtree_ids(self) -> list[int]:
        """This category's id and those of every category below it."""
        ids, frontier = [self.pk], [self.pk]
        while frontier:
            frontier = list(Category.objects.filter(parent_id__in=frontier).values_list("pk", flat=True))
            ids.extend(frontier)
        return ids


class Unit(models.TextChoices):
    PIECE = "piece", _("piece")
    SET = "set", _("set")
    PAIR = "pair", _("pair")
    DOZEN = "dozen", _("dozen")
    CARTON = "carton", _("carton")
    ROLL = "roll", _("roll")
    KG = "kg", _("kilogram")
    TONNE = "tonne", _("tonne")
    METRE = "metre", _("metre")
    SQUARE_METRE = "m2", _("square metre")
    LITRE = "litre", _("litre")


class Incoterm(models.TextChoices):
    EXW = "EXW", "EXW"
    FCA = "FCA", "FCA"
    FAS = "FAS", "FAS"
    FOB = "FOB", "FOB"
    CFR = "CFR", "CFR"
    CIF = "CIF", "CIF"
    CPT = "CPT", "CPT"
    CIP = "CIP", "CIP"
    DAP = "DAP", "DAP"
    DPU = "DPU", "DPU"
    DDP = "DDP", "DDP"


class ProductStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")
    ARCHIVED = "archived", _("Archived")


class CertificationStandard(models.TextChoices):
    CE = "CE", "CE"
    ROHS = "RoHS", "RoHS"
    REACH = "REACH", "REACH"
    ISO_9001 = "ISO 9001", "ISO 9001"
    ISO_14001 = "ISO 14001", "ISO 14001"
    ISO_45001 = "ISO 45001", "ISO 45001"
    FCC = "FCC", "FCC"
    UL = "UL", "UL"
    CCC = "CCC", "CCC"
    FDA = "FDA", "FDA"
    GS = "GS", "GS"
    ETL = "ETL", "ETL"
    OEKO_TEX = "OEKO-TEX", "OEKO-TEX"
    GOTS = "GOTS", "GOTS"
    FSC = "FSC", "FSC"
    BSCI = "BSCI", "BSCI"


PUBLIC = Q(status=ProductStatus.PUBLISHED, showcase_only=False)
_UNIT_LABELS: dict[tuple[str, str], str] = {}


class ProductQuerySet(models.QuerySet):
    def public(self):
        """What anyone may see in the catalog: published and not reserved for showcases."""
        return self.filter(PUBLIC)


class Product(models.Model):
    """An article a supplier offers for export, with its terms; public when published, unless showcase-only."""

    supplier = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="products")
    sku = models.CharField(
        _("SKU"), max_length=64, help_text=_("Your own article number; unique within your catalog.")
    )
    name = models.CharField(_("name"), max_length=200)
    name_zh = models.CharField(_("name (Chinese)"), max_length=200, blank=True)
    description = models.TextField(_("description"), blank=True)
    description_zh = models.TextField(_("description (Chinese)"), blank=True)
    category = models.ForeignKey(
        Category, verbose_name=_("category"), on_delete=models.PROTECT, related_name="products"
    )
    hs_code = models.CharField(
        _("HS code"),
        max_length=10,
        validators=[validate_hs_code],
        help_text=_("At least 6 digits, e.g. 8477.10."),
    )
    moq = models.PositiveIntegerField(
        _("minimum order quantity"), default=1, validators=[MinValueValidator(1)]
    )
    unit = models.CharField(_("unit"), max_length=10, choices=Unit.choices, default=Unit.PIECE)
    currency = models.CharField(
        _("currency"),
        max_length=3,
        choices=CURRENCY_CHOICES,
        default="USD",
        validators=[validate_currency_code],
    )
    # Lowest tier price, in the product's currency and at the reference rate in USD (see money.py):
    # kept by services so lists can filter and sort without reading the tiers.
    min_price = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, editable=False
    )
    min_price_usd = models.DecimalField(
        max_digits=MONEY_MAX_DIGITS, decimal_places=MONEY_DECIMAL_PLACES, null=True, editable=False
    )
    lead_time_days = models.PositiveSmallIntegerField(_("lead time (days)"), null=True, blank=True)
    monthly_capacity = models.PositiveIntegerField(
        _("monthly capacity"), null=True, blank=True, help_text=_("Units you can make in a month.")
    )
    incoterms = models.JSONField(_("Incoterms offered"), default=list, blank=True)
    port_of_loading = models.CharField(_("port of loading"), max_length=100, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=ProductStatus.choices, default=ProductStatus.DRAFT
    )
    showcase_only = models.BooleanField(
        _("showcase only"),
        default=False,
        help_text=_("Never listed in the public catalog; offered only in private showcases."),
    )
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), default=timezone.now)
    published_at = models.DateTimeField(_("published"), null=True, blank=True)
    # Copies of the supplier's country and verification, so the search filters on them without a join.
    # Kept in step by marketplace/catalog/supplier_facts.py (on every save of a product or a company).
    supplier_country = models.CharField(max_length=2, blank=True, default="", editable=False)
    supplier_verified = models.BooleanField(default=False, editable=False)
    search_document = models.TextField(blank=True, default="", editable=False)
    # Filled by a PostgreSQL trigger from search_document (migration 0002); unused on SQLite.
    search_vector = SearchVectorField(null=True, editable=False)

    objects = ProductQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("product")
        verbose_name_plural = _("products")
        constraints = [models.UniqueConstraint(fields=["supplier", "sku"], name="product_unique_sku")]
        indexes = [
            models.Index(fields=["supplier", "status"]),
            models.Index(fields=["-published_at", "-id"], condition=PUBLIC, name="product_public_newest"),
            models.Index(fields=["min_price_usd"], condition=PUBLIC, name="product_public_price"),
            models.Index(
                fields=["category", "-published_at"], condition=PUBLIC, name="product_public_category"
            ),
            models.Index(
                fields=["supplier_country", "-published_at", "-id"],
                condition=PUBLIC,
                name="product_public_country",
            ),
            models.Index(
                fields=["-published_at", "-id"],
                condition=PUBLIC & Q(supplier_verified=True),
                name="product_public_verified",
            ),
            # A chapter browsed by price (no text, more than 1,000 products): the page straight from here.
            models.Index(
                fields=["category", "-min_price_usd", "-id"],
                condition=PUBLIC,
                name="product_public_category_price",
            ),
        ]

    def __str__(self):
        return f"{self.sku} {self.name}"

    def get_absolute_url(self):
        return reverse("catalog:product_detail", kwargs={"pk": self.pk})

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_description(self) -> str:
        return localized(self, "description")

    @property
    def hs_code_display(self) -> str:
        code = self.hs_code
        return f"{code[:4]}.{code[4:6]}{'.' + code[6:] if len(code) > 6 else ''}"

    @property
    def is_public(self) -> bool:
        return self.status == ProductStatus.PUBLISHED and not self.showcase_only

    @property
    def unit_label(self) -> str:
        """`get_unit_display()` in the active language, built once per process and language (cards show it twice)."""
        key = (get_language(), self.unit)
        label = _UNIT_LABELS.get(key)
        if label is None:
            label = _UNIT_LABELS[key] = str(dict(Unit.choices).get(self.unit, self.unit))
        return label

    def incoterm_list(self) -> str:
        return ", ".join(self.incoterms)


# What a supplier does with a product: publish a draft (or re-list an archived one), archive what it no
# longer sells, or take it back to draft to rework it. Publishing also needs a price (the service checks).
PRODUCT_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda product: product.supplier_id,
    moves={
        "publish": {
            ProductStatus.DRAFT: ProductStatus.PUBLISHED,
            ProductStatus.ARCHIVED: ProductStatus.PUBLISHED,
        },
        "archive": {
            ProductStatus.DRAFT: ProductStatus.ARCHIVED,
            ProductStatus.PUBLISHED: ProductStatus.ARCHIVED,
        },
        "return_to_draft": {
            ProductStatus.PUBLISHED: ProductStatus.DRAFT,
            ProductStatus.ARCHIVED: ProductStatus.DRAFT,
        },
    },
    refusals={
        "publish": _("This product is already published."),
        "archive": _("This product is already archived."),
        "return_to_draft": _("This product is already a draft."),
    },
)


class PriceTier(models.Model):
    """The unit price a buyer pays from a quantity upwards, in the product's currency."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="price_tiers")
    min_quantity = models.PositiveIntegerField(_("from quantity"), validators=[MinValueValidator(1)])
    unit_price = models.DecimalField(
        _("unit price"),
        max_digits=MONEY_MAX_DIGITS,
        decimal_places=MONEY_DECIMAL_PLACES,
        validators=[MinValueValidator(Decimal("0.0001"))],
    )

    class Meta:
        ordering = ["min_quantity"]
        verbose_name = _("price tier")
        constraints = [
            models.UniqueConstraint(fields=["product", "min_quantity"], name="price_tier_unique_quantity"),
            models.CheckConstraint(condition=Q(unit_price__gt=0), name="price_tier_positive"),
        ]

    def __str__(self):
        return f"≥{self.min_quantity}: {self.unit_price}"


class ProductSpec(models.Model):
    """One line of a product's specification sheet (e.g. clamping force: 1,200 kN), in one or both languages."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="specs")
    name = models.CharField(_("property"), max_length=100)
    value = models.CharField(_("value"), max_length=300)
    name_zh = models.CharField(_("property (Chinese)"), max_length=100, blank=True)
    value_zh = models.CharField(_("value (Chinese)"), max_length=300, blank=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("specification")

    def __str__(self):
        return f"{self.name}: {self.value}"

    @property
    def display_name(self) -> str:
        return localized(self, "name")

    @property
    def display_value(self) -> str:
        return localized(self, "value")


def _image_path(instance, filename):
    return f"catalog/images/{instance.product.supplier_id}/{secrets.token_hex(10)}{Path(filename).suffix.lower()}"


class ProductImage(models.Model):
    """A photo of a product, checked by its content, with a thumbnail; served only to those who may see the product."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="images")
    file = models.FileField(upload_to=_image_path, storage=private_storage, max_length=200)
    thumbnail = models.FileField(upload_to=_image_path, storage=private_storage, max_length=200)
    content_type = models.CharField(max_length=20)
    width = models.PositiveIntegerField()
    height = models.PositiveIntegerField()
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64, db_index=True)
    position = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["position", "pk"]
        verbose_name = _("product image")

    def __str__(self):
        return f"image {self.pk} of {self.product_id}"


def _certificate_path(instance, filename):
    return f"catalog/certificates/{instance.product.supplier_id}/{secrets.token_hex(10)}{Path(filename).suffix.lower()}"


class ProductCertification(models.Model):
    """A product's certificate against a standard (CE, RoHS, ISO 9001…), with its file and expiry date."""

    product = models.ForeignKey(Product, on_delete=models.CASCADE, related_name="certifications")
    standard = models.CharField(_("standard"), max_length=20, choices=CertificationStandard.choices)
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_by = models.CharField(_("issued by"), max_length=200, blank=True)
    expires_on = models.DateField(_("expires on"))
    file = models.FileField(
        _("certificate file"),
        upload_to=_certificate_path,
        storage=private_storage,
        blank=True,
        max_length=200,
    )
    content_type = models.CharField(max_length=50, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["standard"]
        verbose_name = _("certification")
        constraints = [
            models.UniqueConstraint(fields=["product", "standard"], name="certification_unique_standard")
        ]
        indexes = [models.Index(fields=["standard", "expires_on"])]

    def __str__(self):
        return f"{self.standard} until {self.expires_on}"

    @property
    def is_expired(self) -> bool:
        return self.expires_on < timezone.localdate()

    @property
    def days_left(self) -> int:
        return (self.expires_on - timezone.localdate()).days


class ImportFormat(models.TextChoices):
    CSV = "csv", "CSV"
    XLSX = "xlsx", "XLSX"


class ImportStatus(models.TextChoices):
    PREVIEWED = "previewed", _("Checked, not applied")
    FAILED = "failed", _("Rejected")
    COMMITTED = "committed", _("Applied")


def _import_path(instance, filename):
    return f"catalog/imports/{instance.supplier_id}/{secrets.token_hex(10)}{Path(filename).suffix.lower()}"


class ProductImport(models.Model):
    """A catalog file a supplier uploaded: checked in a dry run first, then applied all at once or not at all."""

    supplier = models.ForeignKey(Company, on_delete=models.CASCADE, related_name="product_imports")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)
    file = models.FileField(upload_to=_import_path, storage=private_storage, max_length=200)
    original_name = models.CharField(max_length=255)
    file_format = models.CharField(max_length=4, choices=ImportFormat.choices)
    images = models.FileField(upload_to=_import_path, storage=private_storage, blank=True, max_length=200)
    status = models.CharField(max_length=10, choices=ImportStatus.choices, default=ImportStatus.PREVIEWED)
    summary = models.JSONField(default=dict, blank=True)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("product import")

    def __str__(self):
        return f"{self.original_name} ({self.get_status_display()})"


# A checked file is applied once, or found wrong when checked again just before applying it.
IMPORT_TRANSITIONS = TransitionTable(
    field="status",
    company=lambda record: record.supplier_id,
    moves={
        "apply": {ImportStatus.PREVIEWED: ImportStatus.COMMITTED},
        "fail": {ImportStatus.PREVIEWED: ImportStatus.FAILED},
    },
    refusals={
        "apply": _("This import was already applied or rejected; upload the file again."),
        "fail": _("This import was already applied or rejected; upload the file again."),
    },
)


def today() -> date:
    return timezone.localdate()
