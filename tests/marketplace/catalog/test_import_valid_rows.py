"""A file with some bad rows: the supplier may import the valid rows only and download the rejected ones."""

import csv
import io

import pytest
from django.contrib.messages import get_messages
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from marketplace.catalog.models import Product, ProductImport
from tests.marketplace.catalog.factories import supplier_member
from tests.marketplace.catalog.test_import import csv_bytes, row

pytestmark = pytest.mark.django_db


@pytest.fixture
def supplier(supplier_owner, chapter84, chapter85):
    return supplier_owner.company


def _upload(client, rows, name="spring.csv"):
    client.post(reverse("catalog:portal_import"), {"file": SimpleUploadedFile(name, csv_bytes(rows))})
    return ProductImport.objects.latest("pk")


MIXED = [
    row(sku="GOOD-1"),
    row(sku="BAD-1", currency="XYZ"),
    row(sku="GOOD-2"),
    row(sku="BAD-2", hs_code="1"),
]


def test_the_preview_offers_the_valid_rows_and_the_rejected_ones(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, MIXED)
    assert record.status == "previewed"
    body = client.get(reverse("catalog:portal_import_preview", args=[record.pk])).content.decode()
    assert "2 problems — their rows will be left out" in body
    assert "Import the 2 valid rows only" in body
    assert "Apply the import" not in body  # the whole file cannot be applied
    assert reverse("catalog:portal_import_rejected", args=[record.pk]) in body
    assert not Product.objects.exists()


def test_importing_the_valid_rows_writes_them_and_only_them(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, MIXED)
    # Without asking for "valid rows only", nothing is written and the record is spent.
    response = client.post(reverse("catalog:portal_import_apply", args=[record.pk]))
    assert not Product.objects.exists()
    record.refresh_from_db()
    assert record.status == "failed"

    record = _upload(client, MIXED)
    response = client.post(reverse("catalog:portal_import_apply", args=[record.pk]), {"valid_only": "1"})
    assert sorted(Product.objects.values_list("sku", flat=True)) == ["GOOD-1", "GOOD-2"]
    record.refresh_from_db()
    assert record.status == "committed"
    texts = [str(m) for m in get_messages(response.wsgi_request)]
    assert any("2 created" in t for t in texts) and any("2 problems were left out" in t for t in texts)


def test_the_rejected_rows_download_as_they_were_with_a_reason(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, MIXED)
    response = client.get(reverse("catalog:portal_import_rejected", args=[record.pk]))
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="spring-rejected.csv"'
    rows = list(csv.DictReader(io.StringIO(response.content.decode("utf-8-sig"))))
    assert [r["sku"] for r in rows] == ["BAD-1", "BAD-2"]
    assert (
        rows[0]["currency"] == "XYZ"
        and "currency" in rows[0]["reason"]
        and "Unknown currency" in rows[0]["reason"]
    )
    assert rows[1]["hs_code"] == "1" and rows[1]["reason"].startswith("hs_code: ")


def test_a_file_that_changed_meaning_since_the_check_writes_nothing(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, [row(sku="GOOD-1"), row(sku="TAKEN", currency="XYZ")])
    # The supplier was shown no rejected line, but the second check rejects one: nothing is written.
    record.summary = {**record.summary, "errors": []}
    record.save(update_fields=["summary"])
    client.post(reverse("catalog:portal_import_apply", args=[record.pk]), {"valid_only": "1"})
    assert not Product.objects.exists()
    record.refresh_from_db()
    assert record.status == "failed"


def test_another_supplier_cannot_download_the_rejected_rows(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, MIXED)
    client.force_login(supplier_member())
    assert client.get(reverse("catalog:portal_import_rejected", args=[record.pk])).status_code == 404
    client.logout()
    response = client.get(reverse("catalog:portal_import_rejected", args=[record.pk]))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


def test_a_file_with_no_valid_row_cannot_be_applied_at_all(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    record = _upload(client, [row(sku="BAD-1", currency="XYZ")])
    assert record.status == "failed"
    body = client.get(reverse("catalog:portal_import_preview", args=[record.pk])).content.decode()
    assert "nothing was imported" in body and "valid row" not in body
