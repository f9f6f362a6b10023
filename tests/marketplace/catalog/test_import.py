"""Bulk import and export: every kind of bad row reported and nothing written; a good file round-trips."""

import csv
import io
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from openpyxl import Workbook, load_workbook

from marketplace.catalog import spreadsheet
from marketplace.catalog.models import Product, ProductImage, ProductImport, ProductStatus
from tests.marketplace.catalog.factories import ProductFactory, image_bytes

pytestmark = pytest.mark.django_db

HEADER = list(spreadsheet.COLUMNS)
GOOD = {
    "sku": "HT-100",
    "name_en": "Servo injection moulding machine",
    "name_zh": "伺服注塑机",
    "description_en": "Energy saving; quiet.",
    "description_zh": "节能，低噪音。",
    "category": "84",
    "hs_code": "8477.10",
    "status": "published",
    "showcase_only": "no",
    "moq": "1",
    "unit": "set",
    "currency": "USD",
    "price_tiers": "1:86000; 3:82500.5",
    "lead_time_days": "45",
    "monthly_capacity": "20",
    "incoterms": "FOB; CIF",
    "port_of_loading": "Ningbo",
    "specs": "Clamping force=6500 kN; Note=a\\;b",
    "specs_zh": "锁模力=6500千牛; 备注=甲\\;乙",
    "certifications": "CE:2030-12-31; ISO 9001:2029-06-30",
}


def csv_bytes(rows: list[dict], header=HEADER, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for row in rows:
        writer.writerow([row.get(column, "") for column in header])
    return out.getvalue().encode(encoding)


def row(**changes) -> dict:
    return {**GOOD, **changes}


@pytest.fixture
def supplier(supplier_owner, chapter84, chapter85):
    return supplier_owner.company


def check(supplier, data: bytes, name="products.csv", images=None):
    return spreadsheet.check_file(supplier=supplier, name=name, data=data, images=images)


def test_good_csv_creates_products(supplier, supplier_owner):
    result = check(
        supplier,
        csv_bytes(
            [
                row(),
                row(sku="HT-200", category="85", hs_code="850440", price_tiers="10:5", moq="10", status=""),
            ]
        ),
    )
    assert result.ok, result.errors
    assert result.counts()["create"] == 2
    assert not Product.objects.exists()  # a check writes nothing
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=result)
    product = Product.objects.get(sku="HT-100")
    assert product.status == ProductStatus.PUBLISHED and product.published_at
    assert product.incoterms == ["CIF", "FOB"] and product.hs_code == "847710"
    assert [(s.name, s.value, s.name_zh, s.value_zh) for s in product.specs.all()] == [
        ("Clamping force", "6500 kN", "锁模力", "6500千牛"),
        ("Note", "a;b", "备注", "甲;乙"),
    ]
    assert sorted(c.standard for c in product.certifications.all()) == ["CE", "ISO 9001"]
    assert Product.objects.get(sku="HT-200").status == ProductStatus.DRAFT


def test_every_kind_of_bad_row_is_reported_and_nothing_written(supplier):
    rows = [
        row(sku="OK-1"),
        row(sku="CAT", category="12345"),
        row(sku="HS", hs_code="84A7"),
        row(sku="NEG", price_tiers="1:-5"),
        row(sku="ORDER", price_tiers="10:5; 5:6"),
        row(sku="CUR", currency="XYZ"),
        row(sku="OK-1"),
        row(sku="UNIT", unit="bucket"),
        row(sku="MOQ", moq="zero"),
        row(sku="INCO", incoterms="FOB; FREE"),
        row(sku="CERT", certifications="CE:next year"),
        row(sku="", name_en=""),
    ]
    result = check(supplier, csv_bytes(rows))
    found = {(e.line, e.column) for e in result.errors}
    assert found == {
        (3, "category"),
        (4, "hs_code"),
        (5, "price_tiers"),
        (6, "price_tiers"),
        (7, "currency"),
        (8, "sku"),
        (9, "unit"),
        (10, "moq"),
        (11, "incoterms"),
        (12, "certifications"),
        (13, "sku"),
        (13, "name_en"),
    }
    messages: dict = {}
    for e in result.errors:
        messages[(e.line, e.column)] = messages.get((e.line, e.column), "") + e.message
    assert "Unknown category" in messages[(3, "category")]
    assert "Negative price" in messages[(5, "price_tiers")]
    assert "go up in quantity" in messages[(6, "price_tiers")]
    assert "Unknown currency “XYZ”" in messages[(7, "currency")]
    assert "already on line 2" in messages[(8, "sku")]
    assert not result.ok and not Product.objects.exists()


def test_hs_code_must_fit_the_category(supplier):
    result = check(supplier, csv_bytes([row(hs_code="850440")]))
    assert [(e.line, e.column) for e in result.errors] == [(2, "hs_code")]
    assert "not in chapter 84" in result.errors[0].message


def test_missing_required_column(supplier):
    header = [c for c in HEADER if c != "currency"]
    result = check(supplier, csv_bytes([row()], header=header))
    assert [(e.line, e.column, e.message) for e in result.errors] == [
        (1, "currency", "Required column is missing.")
    ]


def test_unknown_column_is_reported(supplier):
    result = check(supplier, csv_bytes([row()], header=[*HEADER, "price_showcase"]))
    assert [(e.line, e.column) for e in result.errors] == [(1, "price_showcase")]


def test_wrong_encoding_is_reported_with_its_line(supplier):
    data = csv_bytes([row(), row(sku="GBK", name_zh="伺服注塑机")])
    gbk = data.decode("utf-8").encode("gbk")
    result = check(supplier, gbk)
    assert len(result.errors) == 1 and result.errors[0].line == 2
    assert "not UTF-8" in result.errors[0].message
    utf16 = check(supplier, csv_bytes([row()]).decode("utf-8").encode("utf-16"))
    assert "UTF-16" in utf16.errors[0].message


def xlsx_bytes(rows: list[list]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    for r in rows:
        sheet.append(r)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def test_xlsx_with_a_formula_is_refused(supplier):
    values = [GOOD[c] for c in HEADER]
    values[HEADER.index("moq")] = "=1+1"
    result = check(supplier, xlsx_bytes([HEADER, values]), name="p.xlsx")
    assert [(e.line, e.column) for e in result.errors] == [(2, "moq")]
    assert "Formulas are not accepted" in result.errors[0].message


def test_semicolon_csv_from_excel_is_read(supplier):
    out = io.StringIO()
    writer = csv.writer(out, delimiter=";")
    writer.writerow(HEADER)
    writer.writerow([row(specs="", specs_zh="")[c] for c in HEADER])
    assert check(supplier, out.getvalue().encode()).ok


def test_not_a_workbook_and_empty_files(supplier):
    assert "not an XLSX" in check(supplier, b"hello", name="x.xlsx").errors[0].message
    assert "empty" in check(supplier, b"", name="x.csv").errors[0].message


def _roundtrip(supplier, supplier_owner, fmt):
    result = check(
        supplier,
        csv_bytes(
            [
                row(),
                row(
                    sku="HT-200",
                    category="85",
                    hs_code="850440",
                    specs="",
                    specs_zh="",
                    certifications="",
                    incoterms="",
                ),
            ]
        ),
    )
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=result)
    exported = (
        spreadsheet.export_csv(supplier=supplier)
        if fmt == "csv"
        else spreadsheet.export_xlsx(supplier=supplier)
    )
    again = check(supplier, exported, name=f"export.{fmt}")
    assert again.ok, again.errors
    assert again.counts() == {"create": 0, "update": 0, "unchanged": 2, "images": 0}
    return exported


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_round_trips(supplier, supplier_owner, fmt):
    exported = _roundtrip(supplier, supplier_owner, fmt)
    if fmt == "xlsx":
        sheet = load_workbook(io.BytesIO(exported)).active
        assert [c.value for c in sheet[1]] == HEADER
        assert sheet["G2"].value == "847710"  # HS code kept as text
    else:
        assert exported.startswith("\ufeff".encode())


def test_import_twice_changes_nothing(supplier, supplier_owner):
    data = csv_bytes([row()])
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=check(supplier, data))
    before = list(Product.objects.values_list("pk", "updated_at"))
    second = check(supplier, data)
    assert second.counts()["unchanged"] == 1
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=second)
    assert list(Product.objects.values_list("pk", "updated_at")) == before


def test_update_reports_changed_fields(supplier, supplier_owner):
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=check(supplier, csv_bytes([row()])))
    result = check(supplier, csv_bytes([row(price_tiers="1:85000", name_en="Servo machine II")]))
    assert result.rows[0].action == "update"
    assert set(result.rows[0].changes) == {"name", "price_tiers"}


def test_images_zip_by_sku(supplier, supplier_owner):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("HT-100.jpg", image_bytes("JPEG"))
        z.writestr("HT-100-2.png", image_bytes("PNG", color=(1, 2, 3)))
        z.writestr("__MACOSX/._HT-100.jpg", b"junk")
    result = check(supplier, csv_bytes([row()]), images=archive.getvalue())
    assert result.ok, result.errors
    assert result.counts()["images"] == 2
    spreadsheet.apply(supplier=supplier, by_user=supplier_owner, result=result)
    assert ProductImage.objects.filter(product__sku="HT-100").count() == 2
    # The same ZIP again adds nothing.
    again = check(supplier, csv_bytes([row()]), images=archive.getvalue())
    assert again.counts() == {"create": 0, "update": 0, "unchanged": 1, "images": 0}


def test_bad_images_in_zip_are_reported(supplier):
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as z:
        z.writestr("HT-100.jpg", b"not really a jpeg")
        z.writestr("NOPE-1.jpg", image_bytes("JPEG"))
    result = check(supplier, csv_bytes([row()]), images=archive.getvalue())
    columns = sorted(e.column for e in result.errors)
    assert columns == ["images: HT-100.jpg", "images: NOPE-1.jpg"]
    assert check(supplier, csv_bytes([row()]), images=b"garbage").errors[0].column == "images"


def test_export_never_contains_showcase_prices(supplier, supplier_owner):
    from tests.marketplace.catalog.factories import ShowcaseItemFactory

    product = ProductFactory(supplier=supplier, price="100")
    ShowcaseItemFactory(showcase__supplier=supplier, product=product, price="61.2345")
    for body in (spreadsheet.export_csv(supplier=supplier), spreadsheet.export_xlsx(supplier=supplier)):
        text = (
            body.decode("utf-8", "ignore")
            if body[:2] != b"PK"
            else str([[c.value for c in r] for r in load_workbook(io.BytesIO(body)).active.iter_rows()])
        )
        assert "61.2345" not in text and "100" in text


# -- through the pages ---------------------------------------------------------------------------


def test_dry_run_then_apply_through_the_portal(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    upload = SimpleUploadedFile("products.csv", csv_bytes([row()]), content_type="text/csv")
    response = client.post(reverse("catalog:portal_import"), {"file": upload})
    record = ProductImport.objects.get()
    assert response.url == reverse("catalog:portal_import_preview", args=[record.pk])
    body = client.get(response.url).content.decode()
    assert "Apply the import" in body and "HT-100" in body
    assert not Product.objects.exists()
    client.post(reverse("catalog:portal_import_apply", args=[record.pk]))
    assert Product.objects.filter(sku="HT-100", supplier=supplier).exists()
    record.refresh_from_db()
    assert record.status == "committed"
    # Applying again is refused (the record is spent).
    assert client.post(reverse("catalog:portal_import_apply", args=[record.pk])).status_code == 404


def test_bad_file_through_the_portal_lists_errors_and_cannot_be_applied(client, supplier, supplier_owner):
    client.force_login(supplier_owner)
    upload = SimpleUploadedFile("products.csv", csv_bytes([row(currency="XYZ"), row(sku="B", hs_code="1")]))
    response = client.post(reverse("catalog:portal_import"), {"file": upload}, follow=True)
    body = response.content.decode()
    assert "2 problems" in body and "Unknown currency" in body and "Apply the import" not in body
    record = ProductImport.objects.get()
    assert client.post(reverse("catalog:portal_import_apply", args=[record.pk])).status_code == 404
    assert not Product.objects.exists()


def test_another_supplier_cannot_see_or_apply_an_import(client, supplier, supplier_owner):
    from tests.marketplace.catalog.factories import supplier_member

    client.force_login(supplier_owner)
    client.post(reverse("catalog:portal_import"), {"file": SimpleUploadedFile("p.csv", csv_bytes([row()]))})
    record = ProductImport.objects.get()
    client.force_login(supplier_member())
    assert client.get(reverse("catalog:portal_import_preview", args=[record.pk])).status_code == 404
    assert client.post(reverse("catalog:portal_import_apply", args=[record.pk])).status_code == 404
    assert not Product.objects.exists()


def test_export_download(client, supplier, supplier_owner):
    ProductFactory(supplier=supplier, sku="MINE")
    ProductFactory(sku="THEIRS")
    client.force_login(supplier_owner)
    body = client.get(reverse("catalog:portal_product_export"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "MINE" in body and "THEIRS" not in body
    response = client.get(reverse("catalog:portal_product_export"), {"format": "xlsx"})
    assert response["Content-Type"].startswith("application/vnd.openxmlformats")
