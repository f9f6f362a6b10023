"""Every change to a supplier's catalog goes through these functions; forms, imports and seeds share their rules."""

import hashlib
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from PIL import Image, ImageOps

from marketplace.catalog.models import (
    PRODUCT_TRANSITIONS,
    Category,
    CategoryLevel,
    PriceTier,
    Product,
    ProductCertification,
    ProductImage,
    ProductSpec,
    ProductStatus,
    normalize_hs_code,
)
from marketplace.catalog.money import to_usd
from marketplace.catalog.search import build_document
from marketplace.companies.models import Company, User
from marketplace.companies.permissions import can_manage_product, require, require_member
from marketplace.companies.services import detect_document_type
from marketplace.core import files
from marketplace.core.transitions import transition

MAX_IMAGE_BYTES = 8 * 1024 * 1024
MAX_IMAGE_PIXELS = 40_000_000
MIN_IMAGE_SIDE = 64
DISPLAY_SIDE = 1600
THUMB_SIDE = 480
MAX_IMAGES_PER_PRODUCT = 12
IMAGE_FORMATS = {"JPEG": "image/jpeg", "PNG": "image/png", "WEBP": "image/webp"}

# The fields a supplier edits on a product (forms, imports and the duplicate action all use this list).
EDITABLE_FIELDS = (
    "sku",
    "name",
    "name_zh",
    "description",
    "description_zh",
    "category",
    "hs_code",
    "moq",
    "unit",
    "currency",
    "lead_time_days",
    "monthly_capacity",
    "incoterms",
    "port_of_loading",
    "showcase_only",
)


@dataclass(frozen=True)
class Tier:
    min_quantity: int
    unit_price: Decimal


@dataclass(frozen=True)
class Spec:
    name: str
    value: str
    name_zh: str = ""
    value_zh: str = ""


# -- rules shared by the product form and the import ---------------------------------------------


def tier_errors(tiers: Sequence[Tier], *, moq: int | None) -> list[str]:
    """What is wrong with a list of price tiers, in the order given; an empty list means they are fine."""
    errors = []
    if not tiers:
        return [_("Give at least one price tier.")]
    for tier in tiers:
        if tier.unit_price is None or tier.unit_price <= 0:
            errors.append(
                _("A price must be greater than zero (got %(price)s).") % {"price": tier.unit_price}
            )
        if tier.min_quantity is None or tier.min_quantity < 1:
            errors.append(_("A tier starts at a quantity of 1 or more."))
    if errors:
        return errors
    for before, after in zip(tiers, tiers[1:], strict=False):
        if after.min_quantity <= before.min_quantity:
            errors.append(
                _("Tiers must go up in quantity: %(a)d is not above %(b)d.")
                % {"a": after.min_quantity, "b": before.min_quantity}
            )
        elif after.unit_price > before.unit_price:
            errors.append(
                _("A larger quantity cannot cost more per unit: %(a)s at %(qa)d is above %(b)s at %(qb)d.")
                % {
                    "a": after.unit_price,
                    "qa": after.min_quantity,
                    "b": before.unit_price,
                    "qb": before.min_quantity,
                }
            )
    # The first tier prices the minimum order: it starts exactly there (a tier below the MOQ would
    # quote a price for an order the supplier does not take).
    if moq and tiers[0].min_quantity != moq:
        errors.append(
            _("The first tier starts at %(q)d but the minimum order is %(moq)d: price the MOQ.")
            % {"q": tiers[0].min_quantity, "moq": moq}
        )
    return errors


def category_for_hs(category: Category, hs_code: str) -> str | None:
    """An error if the HS code's chapter is not the product's category (or under it), else None."""
    chapter = normalize_hs_code(hs_code)[:2]
    if category.level == CategoryLevel.CHAPTER and category.code != chapter:
        return _("HS code %(hs)s is in chapter %(ch)s, not in chapter %(cat)s.") % {
            "hs": hs_code,
            "ch": chapter,
            "cat": category.code,
        }
    if category.level == CategoryLevel.SECTION and not category.children.filter(code=chapter).exists():
        return _("HS code %(hs)s is not in section %(cat)s.") % {"hs": hs_code, "cat": category.code}
    return None


# -- derived fields ------------------------------------------------------------------------------


def derive(product: Product, tiers: Sequence[Tier], specs: Sequence[Spec]) -> None:
    """Set the fields lists and search read from a product's tiers and specs (no save)."""
    if tiers:
        product.min_price = min(t.unit_price for t in tiers)
        product.min_price_usd = to_usd(product.min_price, product.currency)
    else:
        product.min_price = product.min_price_usd = None
    product.search_document = build_document(
        product.sku,
        product.name,
        product.name_zh,
        product.description,
        product.description_zh,
        *(f"{s.name} {s.value} {s.name_zh} {s.value_zh}" for s in specs),
    )


def _write_children(product: Product, tiers: Sequence[Tier], specs: Sequence[Spec]) -> None:
    product.price_tiers.all().delete()
    product.specs.all().delete()
    PriceTier.objects.bulk_create(
        PriceTier(product=product, min_quantity=t.min_quantity, unit_price=t.unit_price) for t in tiers
    )
    ProductSpec.objects.bulk_create(
        ProductSpec(
            product=product, name=s.name, value=s.value, name_zh=s.name_zh, value_zh=s.value_zh, position=i
        )
        for i, s in enumerate(specs)
    )


def _clean(product: Product, tiers: Sequence[Tier]) -> None:
    product.hs_code = normalize_hs_code(product.hs_code)
    product.incoterms = sorted(set(product.incoterms or []))
    product.full_clean()
    errors = tier_errors(tiers, moq=product.moq)
    hs_error = category_for_hs(product.category, product.hs_code)
    if hs_error:
        errors.append(hs_error)
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def product_create(
    *, supplier: Company, by_user: User, fields: dict, tiers: Sequence[Tier], specs: Sequence[Spec] = ()
) -> Product:
    """A new draft product in the supplier's catalog."""
    require_member(by_user, supplier)
    product = Product(supplier=supplier, **{k: v for k, v in fields.items() if k in EDITABLE_FIELDS})
    _clean(product, tiers)
    derive(product, tiers, specs)
    product.save()
    _write_children(product, tiers, specs)
    return product


@transaction.atomic
def product_update(
    *, product: Product, by_user: User, fields: dict, tiers: Sequence[Tier], specs: Sequence[Spec] = ()
) -> Product:
    """Replace a product's fields, tiers and specs; a published product stays published."""
    require(can_manage_product(by_user, product))
    for key, value in fields.items():
        if key in EDITABLE_FIELDS:
            setattr(product, key, value)
    _clean(product, tiers)
    derive(product, tiers, specs)
    product.updated_at = timezone.now()
    product.save()
    _write_children(product, tiers, specs)
    return product


# The status a supplier asks for, and the event of `PRODUCT_TRANSITIONS` that leads there.
STATUS_EVENTS = {
    ProductStatus.PUBLISHED: "publish",
    ProductStatus.ARCHIVED: "archive",
    ProductStatus.DRAFT: "return_to_draft",
}


def product_set_status(*, product: Product, by_user: User, status: str) -> Product:
    """Publish, archive or return a product to draft, along `PRODUCT_TRANSITIONS`; publishing needs a price.

    The move is audited and announced with `state_changed` after commit.
    """
    if status not in STATUS_EVENTS:
        raise ValidationError(_("Unknown status."))

    def stamp(locked: Product):
        now = timezone.now()
        if locked.status == ProductStatus.PUBLISHED:
            if not locked.price_tiers.exists():
                raise ValidationError(_("Give the product a price before publishing it."))
            if locked.published_at is None:
                locked.published_at = now
        locked.updated_at = now
        return ["published_at", "updated_at"]

    return transition(
        product,
        table=PRODUCT_TRANSITIONS,
        event=STATUS_EVENTS[status],
        by_user=by_user,
        allowed=can_manage_product,
        apply=stamp,
    )


def _free_sku(supplier: Company, base: str) -> str:
    taken = set(Product.objects.filter(supplier=supplier, sku__startswith=base).values_list("sku", flat=True))
    for n in range(1, 1000):
        candidate = f"{base}-COPY{'' if n == 1 else n}"[:64]
        if candidate not in taken:
            return candidate
    raise ValidationError(_("Too many copies of this product."))


@transaction.atomic
def product_duplicate(*, product: Product, by_user: User) -> Product:
    """A draft copy with a new SKU, the same tiers, specs, images and certificates."""
    require(can_manage_product(by_user, product))
    copy = Product(supplier=product.supplier, **{k: getattr(product, k) for k in EDITABLE_FIELDS})
    copy.sku = _free_sku(product.supplier, product.sku)
    copy.name = product.name
    copy.min_price, copy.min_price_usd = product.min_price, product.min_price_usd
    copy.search_document = product.search_document.replace(product.sku.lower(), copy.sku.lower(), 1)
    copy.save()
    PriceTier.objects.bulk_create(
        PriceTier(product=copy, min_quantity=t.min_quantity, unit_price=t.unit_price)
        for t in product.price_tiers.all()
    )
    ProductSpec.objects.bulk_create(
        ProductSpec(
            product=copy,
            name=s.name,
            value=s.value,
            name_zh=s.name_zh,
            value_zh=s.value_zh,
            position=s.position,
        )
        for s in product.specs.all()
    )
    # Files are shared, not copied: a product's files are never deleted while a row points to them.
    ProductImage.objects.bulk_create(
        ProductImage(
            product=copy,
            file=i.file.name,
            thumbnail=i.thumbnail.name,
            content_type=i.content_type,
            width=i.width,
            height=i.height,
            size=i.size,
            sha256=i.sha256,
            position=i.position,
        )
        for i in product.images.all()
    )
    ProductCertification.objects.bulk_create(
        ProductCertification(
            product=copy,
            standard=c.standard,
            number=c.number,
            issued_by=c.issued_by,
            expires_on=c.expires_on,
            file=c.file.name,
            content_type=c.content_type,
        )
        for c in product.certifications.all()
    )
    return copy


# -- images --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CheckedImage:
    display: bytes
    thumbnail: bytes
    content_type: str
    extension: str
    width: int
    height: int
    sha256: str


def check_image(data: bytes) -> CheckedImage:
    """Read an upload as an image by its content; refuse what is not a sane JPEG, PNG or WebP.

    The picture is re-encoded (which drops EXIF data such as a factory's GPS position) at most
    1600 px on its long side, with a 480 px WebP thumbnail.
    """
    files.check_size(
        len(data),
        limit=MAX_IMAGE_BYTES,
        too_large=_("The image is %(size).1f MB; the limit is %(limit)d MB."),
        empty=_("The image file is empty."),
    )
    fmt, *_size = files.probe_image(
        data,
        formats=IMAGE_FORMATS,
        max_pixels=MAX_IMAGE_PIXELS,
        min_side=MIN_IMAGE_SIDE,
        wrong_format=_("Images must be JPEG, PNG or WebP (this one is %(fmt)s)."),
    )
    try:
        with Image.open(BytesIO(data)) as im:
            im.load()
            im = ImageOps.exif_transpose(im)
            keep_alpha = fmt in ("PNG", "WEBP") and im.mode in ("RGBA", "LA", "P")
            im = im.convert("RGBA" if keep_alpha else "RGB")
            display = im.copy()
            display.thumbnail((DISPLAY_SIDE, DISPLAY_SIDE))
            out = BytesIO()
            display.save(out, format=fmt, quality=88) if fmt != "PNG" else display.save(
                out, format="PNG", optimize=True
            )
            thumb = im.copy()
            thumb.thumbnail((THUMB_SIDE, THUMB_SIDE))
            tout = BytesIO()
            thumb.save(tout, format="WEBP", quality=80)
    except (OSError, ValueError, Image.DecompressionBombError):
        raise ValidationError(_("This image is damaged and cannot be read.")) from None
    return CheckedImage(
        display=out.getvalue(),
        thumbnail=tout.getvalue(),
        content_type=IMAGE_FORMATS[fmt],
        extension={"JPEG": ".jpg", "PNG": ".png", "WEBP": ".webp"}[fmt],
        width=display.width,
        height=display.height,
        sha256=hashlib.sha256(data).hexdigest(),
    )


def _store_image(product: Product, checked: CheckedImage, position: int) -> ProductImage:
    image = ProductImage(
        product=product,
        content_type=checked.content_type,
        width=checked.width,
        height=checked.height,
        size=len(checked.display),
        sha256=checked.sha256,
        position=position,
    )
    image.file.save(f"image{checked.extension}", ContentFile(checked.display), save=False)
    image.thumbnail.save("thumb.webp", ContentFile(checked.thumbnail), save=False)
    image.save()
    return image


@transaction.atomic
def product_image_add(*, product: Product, by_user: User, upload: UploadedFile) -> ProductImage:
    """Add a checked photo to a product; the same picture twice is stored once."""
    require(can_manage_product(by_user, product))
    if product.images.count() >= MAX_IMAGES_PER_PRODUCT:
        raise ValidationError(_("A product has at most %(n)d images.") % {"n": MAX_IMAGES_PER_PRODUCT})
    if upload.size > MAX_IMAGE_BYTES:
        raise ValidationError(
            _("The image is %(size).1f MB; the limit is %(limit)d MB.")
            % {"size": upload.size / 1e6, "limit": MAX_IMAGE_BYTES // 1_000_000}
        )
    upload.seek(0)
    checked = check_image(upload.read())
    existing = product.images.filter(sha256=checked.sha256).first()
    if existing:
        return existing
    return _store_image(product, checked, position=product.images.count())


def product_images_attach(*, product: Product, images: Iterable[CheckedImage]) -> int:
    """Attach already checked images (from an import ZIP), skipping pictures the product already has."""
    have = set(product.images.values_list("sha256", flat=True))
    position = len(have)
    added = 0
    for checked in images:
        if checked.sha256 in have:
            continue
        _store_image(product, checked, position=position)
        have.add(checked.sha256)
        position += 1
        added += 1
    return added


@transaction.atomic
def product_image_delete(*, image: ProductImage, by_user: User) -> None:
    require(can_manage_product(by_user, image.product))
    image.delete()


# -- certifications ------------------------------------------------------------------------------


@transaction.atomic
def certification_save(
    *,
    product: Product,
    by_user: User,
    standard: str,
    expires_on: date,
    number: str = "",
    issued_by: str = "",
    upload: UploadedFile | None = None,
) -> ProductCertification:
    """Add or renew a product's certificate for a standard; the file is checked by content (PDF, JPEG, PNG)."""
    require(can_manage_product(by_user, product))
    cert = ProductCertification.objects.filter(
        product=product, standard=standard
    ).first() or ProductCertification(product=product, standard=standard)
    cert.expires_on, cert.number, cert.issued_by = expires_on, number, issued_by
    if upload is not None:
        cert.content_type = detect_document_type(upload)
        cert.file.save(upload.name, upload, save=False)
    cert.full_clean()
    cert.save()
    return cert


@transaction.atomic
def certification_delete(*, certification: ProductCertification, by_user: User) -> None:
    require(can_manage_product(by_user, certification.product))
    certification.delete()
