"""The supplier portal: create and edit with inline tiers and specs, publish, archive, duplicate, images, certificates."""

import datetime
from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from marketplace.catalog.models import Product, ProductImage, ProductStatus
from tests.marketplace.catalog.factories import (
    CertificationFactory,
    ProductFactory,
    image_bytes,
    supplier_member,
)

pytestmark = pytest.mark.django_db


def _form_data(category, **overrides):
    data = {
        "sku": "HT-650",
        "name": "Servo injection moulding machine 650 t",
        "name_zh": "伺服注塑机 650吨",
        "description": "Energy-saving servo pump.",
        "description_zh": "节能伺服泵。",
        "category": category.code,
        "hs_code": "8477.10",
        "moq": "1",
        "unit": "set",
        "currency": "USD",
        "lead_time_days": "45",
        "monthly_capacity": "20",
        "incoterms": ["FOB", "CIF"],
        "port_of_loading": "Ningbo",
        "tiers-TOTAL_FORMS": "3",
        "tiers-INITIAL_FORMS": "0",
        "tiers-0-min_quantity": "1",
        "tiers-0-unit_price": "86000",
        "tiers-1-min_quantity": "3",
        "tiers-1-unit_price": "82500.50",
        "tiers-2-min_quantity": "",
        "tiers-2-unit_price": "",
        "specs-TOTAL_FORMS": "2",
        "specs-INITIAL_FORMS": "0",
        "specs-0-name": "Clamping force",
        "specs-0-value": "6500 kN",
        "specs-0-name_zh": "锁模力",
        "specs-0-value_zh": "6500千牛",
        "specs-1-name": "",
        "specs-1-value": "",
    }
    data.update(overrides)
    return data


def test_supplier_creates_product_with_tiers_and_specs(client, supplier_owner, chapter84):
    client.force_login(supplier_owner)
    response = client.post(reverse("catalog:portal_product_create"), _form_data(chapter84))
    product = Product.objects.get(sku="HT-650")
    assert response.status_code == 302 and response.url == reverse(
        "catalog:portal_product_edit", args=[product.pk]
    )
    assert product.supplier == supplier_owner.company
    assert product.status == ProductStatus.DRAFT
    assert product.hs_code == "847710"
    assert product.incoterms == ["CIF", "FOB"]
    assert [(t.min_quantity, t.unit_price) for t in product.price_tiers.all()] == [
        (1, Decimal("86000")),
        (3, Decimal("82500.50")),
    ]
    assert product.min_price == Decimal("82500.50") and product.min_price_usd == Decimal("82500.5000")
    assert [(s.name, s.value_zh) for s in product.specs.all()] == [("Clamping force", "6500千牛")]
    assert "锁模力" in product.search_document and "锁模" in product.search_document


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"tiers-1-min_quantity": "1"}, "Tiers must go up in quantity"),
        ({"tiers-1-unit_price": "90000"}, "cannot cost more per unit"),
        ({"tiers-0-unit_price": "-5"}, "greater than zero"),
        (
            {
                "tiers-0-min_quantity": "",
                "tiers-0-unit_price": "",
                "tiers-1-min_quantity": "",
                "tiers-1-unit_price": "",
            },
            "at least one price tier",
        ),
        ({"hs_code": "84771"}, "6 to 10 digits"),
        ({"hs_code": "8501.10"}, "not in chapter 84"),
        ({"tiers-0-min_quantity": "2"}, "price the MOQ"),
    ],
)
def test_bad_product_form_is_refused(client, supplier_owner, chapter84, overrides, message):
    client.force_login(supplier_owner)
    response = client.post(reverse("catalog:portal_product_create"), _form_data(chapter84, **overrides))
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not Product.objects.exists()


def test_sku_is_unique_within_the_supplier_only(client, supplier_owner, chapter84):
    ProductFactory(supplier=supplier_owner.company, sku="HT-650", category=chapter84)
    ProductFactory(sku="OTHER-1", category=chapter84)
    client.force_login(supplier_owner)
    response = client.post(reverse("catalog:portal_product_create"), _form_data(chapter84))
    assert "already has this SKU" in response.content.decode()
    response = client.post(reverse("catalog:portal_product_create"), _form_data(chapter84, sku="OTHER-1"))
    assert response.status_code == 302


def test_edit_replaces_tiers_and_keeps_status(client, supplier_owner, chapter84):
    product = ProductFactory(
        supplier=supplier_owner.company, category=chapter84, hs_code="847710", price="10"
    )
    client.force_login(supplier_owner)
    response = client.get(reverse("catalog:portal_product_edit", args=[product.pk]))
    assert response.status_code == 200 and 'value="10.0000"' in response.content.decode()
    data = _form_data(chapter84, sku=product.sku)
    response = client.post(reverse("catalog:portal_product_edit", args=[product.pk]), data)
    assert response.status_code == 302
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED
    assert product.price_tiers.count() == 2 and product.name.startswith("Servo")


def test_publish_archive_and_duplicate(client, supplier_owner, chapter84):
    product = ProductFactory(
        supplier=supplier_owner.company, category=chapter84, status=ProductStatus.DRAFT, published_at=None
    )
    CertificationFactory(product=product)
    client.force_login(supplier_owner)
    action = lambda name: client.post(reverse("catalog:portal_product_action", args=[product.pk, name]))  # noqa: E731
    action("publish")
    product.refresh_from_db()
    assert product.status == ProductStatus.PUBLISHED and product.published_at is not None
    action("archive")
    product.refresh_from_db()
    assert product.status == ProductStatus.ARCHIVED
    response = action("duplicate")
    copy = Product.objects.exclude(pk=product.pk).get()
    assert response.url == reverse("catalog:portal_product_edit", args=[copy.pk])
    assert copy.sku == f"{product.sku}-COPY" and copy.status == ProductStatus.DRAFT
    assert copy.price_tiers.count() == 1 and copy.certifications.count() == 1
    action("duplicate")
    assert Product.objects.filter(sku=f"{product.sku}-COPY2").exists()


def test_publishing_needs_a_price(client, supplier_owner, chapter84):
    product = ProductFactory(supplier=supplier_owner.company, category=chapter84, status=ProductStatus.DRAFT)
    product.price_tiers.all().delete()
    client.force_login(supplier_owner)
    client.post(reverse("catalog:portal_product_action", args=[product.pk, "publish"]))
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT


def test_portal_list_filters_by_status(client, supplier_owner, chapter84):
    ProductFactory(supplier=supplier_owner.company, category=chapter84, name="Alpha lathe")
    ProductFactory(
        supplier=supplier_owner.company, category=chapter84, name="Beta lathe", status=ProductStatus.DRAFT
    )
    ProductFactory(category=chapter84, name="Gamma lathe")  # someone else's
    client.force_login(supplier_owner)
    body = client.get(reverse("catalog:portal_product_list")).content.decode()
    assert "Alpha lathe" in body and "Beta lathe" in body and "Gamma lathe" not in body
    body = client.get(reverse("catalog:portal_product_list"), {"status": "draft"}).content.decode()
    assert "Beta lathe" in body and "Alpha lathe" not in body


# -- access --------------------------------------------------------------------------------------

PORTAL_PAGES = [
    "catalog:portal_product_list",
    "catalog:portal_product_create",
    "catalog:portal_import",
    "catalog:portal_product_export",
]


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_anonymous_is_sent_to_sign_in(client, name):
    response = client.get(reverse(name))
    assert response.status_code == 302 and response.url.startswith(reverse("account_login"))


@pytest.mark.parametrize("name", PORTAL_PAGES)
def test_buyer_cannot_open_supplier_portal(client, buyer_owner, name):
    client.force_login(buyer_owner)
    assert client.get(reverse(name)).status_code == 403


def test_another_supplier_cannot_touch_a_product(client, chapter84):
    product = ProductFactory(category=chapter84, status=ProductStatus.DRAFT)
    intruder = supplier_member()
    client.force_login(intruder)
    assert client.get(reverse("catalog:portal_product_edit", args=[product.pk])).status_code == 404
    for action in ("publish", "archive", "duplicate"):
        assert (
            client.post(reverse("catalog:portal_product_action", args=[product.pk, action])).status_code
            == 404
        )
    upload = SimpleUploadedFile("x.png", image_bytes("PNG"), content_type="image/png")
    assert (
        client.post(reverse("catalog:portal_image_add", args=[product.pk]), {"image": upload}).status_code
        == 404
    )
    product.refresh_from_db()
    assert product.status == ProductStatus.DRAFT and Product.objects.count() == 1
    # Nor see the draft on its public address.
    assert client.get(product.get_absolute_url()).status_code == 404


# -- images and certificates ---------------------------------------------------------------------


def test_image_upload_is_checked_by_content_and_thumbnailed(client, supplier_owner, chapter84):
    product = ProductFactory(supplier=supplier_owner.company, category=chapter84)
    client.force_login(supplier_owner)
    url = reverse("catalog:portal_image_add", args=[product.pk])
    fake = SimpleUploadedFile("photo.jpg", b"%PDF-1.4 not an image", content_type="image/jpeg")
    client.post(url, {"image": fake})
    assert not ProductImage.objects.exists()
    gif = SimpleUploadedFile("photo.gif", image_bytes("GIF"), content_type="image/gif")
    response = client.post(url, {"image": gif}, follow=True)
    assert "JPEG, PNG or WebP" in response.content.decode() and not ProductImage.objects.exists()
    client.post(
        url,
        {"image": SimpleUploadedFile("p.png", image_bytes("PNG", (2400, 1200)), content_type="image/png")},
    )
    image = ProductImage.objects.get()
    assert image.content_type == "image/png" and (image.width, image.height) == (1600, 800)
    thumb = client.get(reverse("catalog:product_image", args=[product.pk, image.pk, "thumb"]))
    assert thumb.status_code == 200 and thumb["Content-Type"] == "image/webp"
    # The same picture twice is stored once.
    client.post(
        url,
        {"image": SimpleUploadedFile("p.png", image_bytes("PNG", (2400, 1200)), content_type="image/png")},
    )
    assert ProductImage.objects.count() == 1


def test_expired_certificate_shows_expired(client, chapter84):
    product = ProductFactory(category=chapter84)
    CertificationFactory(
        product=product, standard="CE", expires_on=timezone.localdate() - datetime.timedelta(days=1)
    )
    CertificationFactory(product=product, standard="RoHS")
    body = client.get(product.get_absolute_url()).content.decode()
    assert "Expired" in body and "Valid until" in body
    assert body.index("CE") < body.index("Expired")


def test_certificate_file_is_checked(client, supplier_owner, chapter84):
    product = ProductFactory(supplier=supplier_owner.company, category=chapter84)
    client.force_login(supplier_owner)
    url = reverse("catalog:portal_certification_add", args=[product.pk])
    expiry = (timezone.localdate() + datetime.timedelta(days=300)).isoformat()
    bad = SimpleUploadedFile("ce.pdf", b"MZ\x90\x00 executable", content_type="application/pdf")
    client.post(url, {"standard": "CE", "expires_on": expiry, "file": bad})
    assert not product.certifications.exists()
    good = SimpleUploadedFile("ce.pdf", b"%PDF-1.4\n%%EOF\n", content_type="application/pdf")
    client.post(url, {"standard": "CE", "expires_on": expiry, "file": good, "number": "CE-123"})
    cert = product.certifications.get()
    assert cert.number == "CE-123" and cert.content_type == "application/pdf"
    served = client.get(reverse("catalog:certificate_file", args=[product.pk, cert.pk]))
    assert served.status_code == 200 and b"".join(served.streaming_content) == b"%PDF-1.4\n%%EOF\n"
