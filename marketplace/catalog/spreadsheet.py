"""Bulk import and export of a supplier's products as CSV or XLSX, in one format that round-trips.

The format, one product a row (the export writes exactly what the import reads):

    sku, name_en, name_zh, description_en, description_zh, category, hs_code, status, showcase_only,
    moq, unit, currency, price_tiers, lead_time_days, monthly_capacity, incoterms, port_of_loading,
    specs, specs_zh, certifications

- category: an HS chapter code ("84"); hs_code: 6–10 digits, dots allowed ("8477.10").
- price_tiers: "from quantity:unit price" pairs, lowest quantity first: "1:1250.00; 10:1190.00".
- incoterms: "FOB; CIF". specs: "Clamping force=1200 kN; Weight=4.5 t" (specs_zh: the same
  properties in Chinese, in the same order, or empty). A ";" inside a value is written "\\;".
- certifications: "CE:2027-12-31; ISO 9001:2026-06-30" (standard:expiry date); files are added in
  the portal and kept when the row is imported again.
- Optional columns missing from the header leave those fields of existing products alone.

The import is a dry run first: every bad row is reported with its line, column and reason, and
nothing is written. Applying it writes all rows or none. SKU is the key, so the same file applied
twice changes nothing the second time. Images come in a ZIP whose file names start with the SKU
(`ABC-100.jpg`, `ABC-100-2.png`).
"""

import csv
import io
import re
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from pathlib import PurePosixPath

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from marketplace.catalog import services
from marketplace.catalog.models import (
    HS_CODE_RE,
    Category,
    CategoryLevel,
    CertificationStandard,
    Incoterm,
    Product,
    ProductCertification,
    ProductStatus,
    Unit,
    normalize_hs_code,
)
from marketplace.catalog.money import CURRENCY_CODES
from marketplace.companies.models import Company, User
from marketplace.companies.permissions import require_member

COLUMNS = (
    "sku",
    "name_en",
    "name_zh",
    "description_en",
    "description_zh",
    "category",
    "hs_code",
    "status",
    "showcase_only",
    "moq",
    "unit",
    "currency",
    "price_tiers",
    "lead_time_days",
    "monthly_capacity",
    "incoterms",
    "port_of_loading",
    "specs",
    "specs_zh",
    "certifications",
)
REQUIRED = ("sku", "name_en", "category", "hs_code", "moq", "unit", "currency", "price_tiers")
MAX_ROWS = 5000
MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ZIP_ENTRIES = 1000
MAX_ZIP_TOTAL = 300 * 1024 * 1024
TRUE = {"yes", "true", "1", "y", "是"}
FALSE = {"no", "false", "0", "n", "否", ""}
SPLIT = re.compile(r"(?<!\\);")


@dataclass
class RowError:
    line: int
    column: str
    message: str

    def as_dict(self) -> dict:
        return {"line": self.line, "column": self.column, "message": self.message}


@dataclass
class Row:
    line: int
    sku: str
    fields: dict = field(default_factory=dict)
    tiers: list = field(default_factory=list)
    specs: list | None = None
    certifications: list | None = None
    status: str | None = None
    action: str = ""  # create, update, unchanged
    changes: list = field(default_factory=list)
    images: list = field(default_factory=list)


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    rows: list[Row] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def rejected_lines(self) -> list[int]:
        """The data lines left out for their errors (a header problem is line 1 and rejects the file)."""
        return sorted({e.line for e in self.errors if e.line > 1})

    def counts(self) -> dict[str, int]:
        counts = {"create": 0, "update": 0, "unchanged": 0, "images": 0}
        for row in self.rows:
            counts[row.action] = counts.get(row.action, 0) + 1
            counts["images"] += len(row.images)
        return counts

    def summary(self) -> dict:
        return {
            "counts": self.counts(),
            "errors": [e.as_dict() for e in self.errors],
            "rows": [
                {
                    "line": r.line,
                    "sku": r.sku,
                    "action": r.action,
                    "changes": r.changes,
                    "images": len(r.images),
                }
                for r in self.rows
            ],
        }


class FileRejected(Exception):
    def __init__(self, errors: list[RowError]):
        super().__init__(errors)
        self.errors = errors


# -- writing -------------------------------------------------------------------------------------


def _num(value: Decimal) -> str:
    text = f"{value.normalize():f}"
    return text


def _escape(text: str) -> str:
    return text.replace(";", "\\;")


def _unescape(text: str) -> str:
    return text.replace("\\;", ";").strip()


def export_rows(*, supplier: Company) -> Iterator[list]:
    """The header, then one row per product of the supplier (every status), by SKU.

    Only the product's own public terms are written: showcase prices live in showcases and never here.
    """
    yield list(COLUMNS)
    products = (
        Product.objects.filter(supplier=supplier)
        .select_related("category")
        .prefetch_related("price_tiers", "specs", "certifications")
        .order_by("sku")
    )
    for p in products.iterator(chunk_size=500):
        specs = list(p.specs.all())
        yield [
            p.sku,
            p.name,
            p.name_zh,
            p.description,
            p.description_zh,
            p.category.code,
            p.hs_code,
            p.status,
            "yes" if p.showcase_only else "no",
            p.moq,
            p.unit,
            p.currency,
            "; ".join(f"{t.min_quantity}:{_num(t.unit_price)}" for t in p.price_tiers.all()),
            "" if p.lead_time_days is None else p.lead_time_days,
            "" if p.monthly_capacity is None else p.monthly_capacity,
            "; ".join(p.incoterms),
            p.port_of_loading,
            "; ".join(f"{_escape(s.name)}={_escape(s.value)}" for s in specs),
            "; ".join(f"{_escape(s.name_zh)}={_escape(s.value_zh)}" for s in specs)
            if any(s.name_zh or s.value_zh for s in specs)
            else "",
            "; ".join(f"{c.standard}:{c.expires_on.isoformat()}" for c in p.certifications.all()),
        ]


def export_csv(*, supplier: Company) -> bytes:
    """UTF-8 with a byte-order mark, so Excel opens Chinese text correctly."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    for row in export_rows(supplier=supplier):
        writer.writerow(row)
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def export_xlsx(*, supplier: Company) -> bytes:
    from openpyxl import Workbook

    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet("products")
    for row in export_rows(supplier=supplier):
        # Text columns are written as text: HS codes keep their leading zeros, nothing becomes a date.
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


# -- reading -------------------------------------------------------------------------------------


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, date):
        return value.isoformat()[:10]
    return str(value).strip()


def read_table(*, name: str, data: bytes) -> tuple[str, list[str], list[tuple[int, list[str]]]]:
    """(format, header, [(line, cells)]) from a CSV or XLSX upload, or FileRejected saying why not."""
    if len(data) > MAX_FILE_BYTES:
        raise FileRejected([RowError(0, "", _("The file is larger than 10 MB."))])
    if not data.strip():
        raise FileRejected([RowError(0, "", _("The file is empty."))])
    if data[:4] == b"PK\x03\x04":
        return "xlsx", *_read_xlsx(data)
    if name.lower().endswith((".xlsx", ".xlsm", ".xls")):
        raise FileRejected(
            [RowError(0, "", _("This is not an XLSX workbook (old .xls files are not read)."))]
        )
    return "csv", *_read_csv(data)


def _read_csv(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    if data[:2] in (b"\xff\xfe", b"\xfe\xff"):
        raise FileRejected([RowError(1, "", _("The file is UTF-16 text; save it as “CSV UTF-8”."))])
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise FileRejected(
            [
                RowError(
                    line,
                    "",
                    _("The file is not UTF-8 text (byte 0x%(byte)02X on this line); save it as “CSV UTF-8”.")
                    % {"byte": data[exc.start]},
                )
            ]
        ) from None
    first = text.split("\n", 1)[0]
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    header: list[str] | None = None
    try:
        for cells in reader:
            if header is None:
                header = [c.strip().lower() for c in cells]
                continue
            if any(c.strip() for c in cells):
                rows.append((reader.line_num, [c.strip() for c in cells]))
            if len(rows) > MAX_ROWS:
                raise FileRejected(
                    [RowError(reader.line_num, "", _("More than 5,000 rows: split the file."))]
                )
    except csv.Error as exc:
        raise FileRejected(
            [RowError(reader.line_num, "", _("Broken CSV: %(error)s") % {"error": exc})]
        ) from None
    return header or [], rows


def _read_xlsx(data: bytes) -> tuple[list[str], list[tuple[int, list[str]]]]:
    from openpyxl import load_workbook

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds for a broken workbook
        raise FileRejected([RowError(0, "", _("This XLSX workbook cannot be read."))]) from None
    sheet = workbook.worksheets[0]
    header: list[str] | None = None
    rows, errors = [], []
    for row in sheet.iter_rows():
        cells = list(row)
        if not cells:
            continue
        line = cells[0].row
        if header is None:
            header = [_cell_text(c.value).lower() for c in cells]
            continue
        for c in cells:
            if getattr(c, "data_type", None) == "f":
                column = header[c.column - 1] if c.column - 1 < len(header) else c.column_letter
                errors.append(
                    RowError(
                        line,
                        column,
                        _("Formulas are not accepted (%(formula)s): paste the values.")
                        % {"formula": str(c.value)[:40]},
                    )
                )
        values = [_cell_text(c.value) for c in cells]
        if any(values):
            rows.append((line, values))
        if len(rows) > MAX_ROWS:
            raise FileRejected([RowError(line, "", _("More than 5,000 rows: split the file."))])
    workbook.close()
    if errors:
        raise FileRejected(errors)
    return header or [], rows


# -- checking ------------------------------------------------------------------------------------


def _parse_int(text: str, *, minimum: int) -> int:
    if not re.fullmatch(r"-?\d+", text):
        raise ValueError(_("“%(value)s” is not a whole number.") % {"value": text})
    value = int(text)
    if value < minimum:
        raise ValueError(_("%(value)d is below %(min)d.") % {"value": value, "min": minimum})
    return value


def _parse_tiers(text: str) -> list[services.Tier]:
    tiers = []
    for part in filter(None, (p.strip() for p in text.split(";"))):
        if ":" not in part:
            raise ValueError(_("“%(part)s” is not quantity:price.") % {"part": part})
        qty, price = (s.strip() for s in part.split(":", 1))
        try:
            value = Decimal(price)
        except InvalidOperation:
            raise ValueError(_("“%(price)s” is not a price.") % {"price": price}) from None
        if not value.is_finite():
            raise ValueError(_("“%(price)s” is not a price.") % {"price": price})
        if value < 0:
            raise ValueError(_("Negative price %(price)s.") % {"price": price})
        if value.as_tuple().exponent < -4:
            raise ValueError(_("%(price)s has more than 4 decimal places.") % {"price": price})
        tiers.append(services.Tier(min_quantity=_parse_int(qty, minimum=1), unit_price=value))
    return tiers


def _parse_pairs(text: str, sep: str) -> list[tuple[str, str]]:
    pairs = []
    for part in filter(None, (p.strip() for p in SPLIT.split(text))):
        if sep not in part:
            raise ValueError(_("“%(part)s” is not property%(sep)svalue.") % {"part": part, "sep": sep})
        key, value = part.split(sep, 1) if sep == "=" else part.rsplit(sep, 1)
        pairs.append((_unescape(key), _unescape(value)))
    return pairs


class _Checker:
    def __init__(self, supplier: Company, header: list[str]):
        self.supplier = supplier
        self.header = header
        self.present = set(header)
        self.chapters = {c.code: c for c in Category.objects.filter(level=CategoryLevel.CHAPTER)}
        self.errors: list[RowError] = []

    def error(self, line: int, column: str, message: str) -> None:
        self.errors.append(RowError(line, column, message))

    def row(self, line: int, cells: list[str]) -> Row | None:
        values = {name: (cells[i] if i < len(cells) else "") for i, name in enumerate(self.header)}
        before = len(self.errors)
        for column in REQUIRED:
            if not values.get(column):
                self.error(line, column, _("This column is required."))
        sku = values.get("sku", "")
        if len(sku) > 64:
            self.error(line, "sku", _("At most 64 characters."))
        row = Row(line=line, sku=sku)
        f = row.fields
        f["name"], f["name_zh"] = values.get("name_en", ""), values.get("name_zh", "")
        for column, limit in (("name_en", 200), ("name_zh", 200), ("port_of_loading", 100)):
            if len(values.get(column, "")) > limit:
                self.error(line, column, _("At most %(n)d characters.") % {"n": limit})
        if "description_en" in self.present:
            f["description"] = values["description_en"]
        if "description_zh" in self.present:
            f["description_zh"] = values["description_zh"]
        if "name_zh" not in self.present:
            del f["name_zh"]

        code = values.get("category", "")
        category = self.chapters.get(code) or self.chapters.get(code.zfill(2))
        if code and category is None:
            self.error(
                line,
                "category",
                _("Unknown category “%(code)s”: use an HS chapter code such as 84.") % {"code": code},
            )
        hs = normalize_hs_code(values.get("hs_code", ""))
        if values.get("hs_code") and not HS_CODE_RE.match(hs):
            self.error(
                line,
                "hs_code",
                _("“%(value)s” is not an HS code of 6 to 10 digits.") % {"value": values["hs_code"]},
            )
        elif category and hs:
            mismatch = services.category_for_hs(category, hs)
            if mismatch:
                self.error(line, "hs_code", mismatch)
        f["category"], f["hs_code"] = category, hs

        if values.get("status"):
            if values["status"].lower() not in ProductStatus.values:
                self.error(line, "status", _("Status is draft, published or archived."))
            else:
                row.status = values["status"].lower()
        if "showcase_only" in self.present:
            flag = values["showcase_only"].lower()
            if flag not in TRUE | FALSE:
                self.error(line, "showcase_only", _("Write yes or no."))
            f["showcase_only"] = flag in TRUE
        try:
            f["moq"] = _parse_int(values.get("moq", ""), minimum=1) if values.get("moq") else None
        except ValueError as exc:
            self.error(line, "moq", str(exc))
        unit = values.get("unit", "").lower()
        if unit and unit not in Unit.values:
            self.error(
                line,
                "unit",
                _("Unknown unit “%(unit)s”; use one of %(units)s.")
                % {"unit": unit, "units": ", ".join(Unit.values)},
            )
        f["unit"] = unit
        currency = values.get("currency", "").upper()
        if currency and currency not in CURRENCY_CODES:
            self.error(
                line,
                "currency",
                _("Unknown currency “%(code)s”; use one of %(codes)s.")
                % {"code": values["currency"], "codes": ", ".join(CURRENCY_CODES)},
            )
        f["currency"] = currency
        if values.get("price_tiers"):
            try:
                row.tiers = _parse_tiers(values["price_tiers"])
            except ValueError as exc:
                self.error(line, "price_tiers", str(exc))
            else:
                for message in services.tier_errors(row.tiers, moq=f.get("moq")):
                    self.error(line, "price_tiers", message)
        for column, model_field in (
            ("lead_time_days", "lead_time_days"),
            ("monthly_capacity", "monthly_capacity"),
        ):
            if column in self.present:
                try:
                    f[model_field] = _parse_int(values[column], minimum=0) if values[column] else None
                except ValueError as exc:
                    self.error(line, column, str(exc))
        if (f.get("lead_time_days") or 0) > 32767:
            self.error(line, "lead_time_days", _("At most 32767 days."))
        if "incoterms" in self.present:
            terms = [t.strip().upper() for t in values["incoterms"].replace(",", ";").split(";") if t.strip()]
            bad = [t for t in terms if t not in Incoterm.values]
            if bad:
                self.error(line, "incoterms", _("Unknown Incoterms: %(terms)s.") % {"terms": ", ".join(bad)})
            f["incoterms"] = sorted(set(terms))
        if "port_of_loading" in self.present:
            f["port_of_loading"] = values["port_of_loading"]
        if "specs" in self.present:
            try:
                en = _parse_pairs(values["specs"], "=")
                zh = _parse_pairs(values.get("specs_zh", ""), "=")
            except ValueError as exc:
                self.error(line, "specs", str(exc))
            else:
                if zh and len(zh) != len(en):
                    self.error(
                        line, "specs_zh", _("List the same properties as in specs, in the same order.")
                    )
                else:
                    row.specs = [
                        services.Spec(k[:100], v[:300], *(z[0][:100], z[1][:300]) if z else ("", ""))
                        for (k, v), z in zip(en, zh or [None] * len(en), strict=True)
                    ]
        if "certifications" in self.present:
            certs = []
            try:
                for standard, expiry in _parse_pairs(values["certifications"], ":"):
                    if standard not in CertificationStandard.values:
                        raise ValueError(_("Unknown standard “%(s)s”.") % {"s": standard})
                    try:
                        certs.append((standard, date.fromisoformat(expiry)))
                    except ValueError:
                        raise ValueError(_("“%(d)s” is not a date (YYYY-MM-DD).") % {"d": expiry}) from None
            except ValueError as exc:
                self.error(line, "certifications", str(exc))
            row.certifications = certs
        return row if len(self.errors) == before else None


def check_file(*, supplier: Company, name: str, data: bytes, images: bytes | None = None) -> ImportResult:
    """Read and check an upload without writing anything: the rows with their planned action, or the errors."""
    result = ImportResult()
    try:
        _format, header, table = read_table(name=name, data=data)
    except FileRejected as exc:
        result.errors = exc.errors
        return result
    unknown = [h for h in header if h and h not in COLUMNS]
    for h in unknown:
        result.errors.append(RowError(1, h, _("Unknown column.")))
    for column in REQUIRED:
        if column not in header:
            result.errors.append(RowError(1, column, _("Required column is missing.")))
    if result.errors:
        return result
    checker = _Checker(supplier, header)
    seen: dict[str, int] = {}
    for line, cells in table:
        row = checker.row(line, cells)
        sku = cells[header.index("sku")] if header.index("sku") < len(cells) else ""
        if sku:
            if sku in seen:
                checker.error(
                    line,
                    "sku",
                    _("SKU “%(sku)s” is already on line %(line)d.") % {"sku": sku, "line": seen[sku]},
                )
                row = None
            else:
                seen[sku] = line
        if row is not None:
            result.rows.append(row)
    result.errors = sorted(
        checker.errors, key=lambda e: (e.line, COLUMNS.index(e.column) if e.column in COLUMNS else 99)
    )
    if images:
        _check_images(result, supplier, images)
    # Valid rows are planned even when others have errors: the supplier may apply them alone.
    rejected = set(result.rejected_lines)
    result.rows = [r for r in result.rows if r.line not in rejected]
    if result.rows:
        _plan(result, supplier)
    return result


def rejected_rows_csv(*, name: str, data: bytes, errors: list[dict]) -> bytes:
    """The rows an import left out, as they were in the file, with a last column saying why: fix them
    there and import this file again."""
    _format, header, table = read_table(name=name, data=data)
    reasons: dict[int, list[str]] = {}
    for e in errors:
        if e["line"] > 1:
            reasons.setdefault(e["line"], []).append(
                f"{e['column']}: {e['message']}" if e["column"] else e["message"]
            )
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([*header, "reason"])
    for line, cells in table:
        if line in reasons:
            writer.writerow([*cells, *[""] * (len(header) - len(cells)), "; ".join(reasons[line])])
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def _check_images(result: ImportResult, supplier: Company, data: bytes) -> None:
    rows = {row.sku: row for row in result.rows}
    existing = set(Product.objects.filter(supplier=supplier).values_list("sku", flat=True))
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile:
        result.errors.append(RowError(0, "images", _("The images file is not a ZIP archive.")))
        return
    entries = [
        i
        for i in archive.infolist()
        if not i.is_dir()
        and not PurePosixPath(i.filename).name.startswith((".", "__"))
        and "__MACOSX" not in i.filename
    ]
    if len(entries) > MAX_ZIP_ENTRIES or sum(i.file_size for i in entries) > MAX_ZIP_TOTAL:
        result.errors.append(RowError(0, "images", _("The ZIP holds too many or too large files.")))
        return
    for info in sorted(entries, key=lambda i: i.filename):
        stem = PurePosixPath(info.filename).stem
        match = re.fullmatch(r"(.+?)(?:[-_](\d{1,2}))?", stem)
        sku = stem if stem in rows or stem in existing else (match.group(1) if match else stem)
        label = f"images: {info.filename}"
        if sku not in rows and sku not in existing:
            result.errors.append(RowError(0, label, _("No product with SKU “%(sku)s”.") % {"sku": sku}))
            continue
        if info.file_size > services.MAX_IMAGE_BYTES:
            result.errors.append(RowError(0, label, _("Larger than 8 MB.")))
            continue
        try:
            checked = services.check_image(archive.read(info))
        except ValidationError as exc:
            result.errors.append(RowError(0, label, exc.messages[0]))
            continue
        if sku in rows:
            rows[sku].images.append(checked)
        else:
            result.rows.append(Row(line=0, sku=sku, action="images", images=[checked]))


def _snapshot(product: Product) -> dict:
    return {
        "name": product.name,
        "name_zh": product.name_zh,
        "description": product.description,
        "description_zh": product.description_zh,
        "category": product.category,
        "hs_code": product.hs_code,
        "showcase_only": product.showcase_only,
        "moq": product.moq,
        "unit": product.unit,
        "currency": product.currency,
        "lead_time_days": product.lead_time_days,
        "monthly_capacity": product.monthly_capacity,
        "incoterms": sorted(product.incoterms or []),
        "port_of_loading": product.port_of_loading,
    }


def _plan(result: ImportResult, supplier: Company) -> None:
    skus = [r.sku for r in result.rows]
    products = {
        p.sku: p
        for p in Product.objects.filter(supplier=supplier, sku__in=skus)
        .select_related("category")
        .prefetch_related("price_tiers", "specs", "certifications", "images")
    }
    for row in result.rows:
        product = products.get(row.sku)
        if row.action == "images":
            have = {i.sha256 for i in product.images.all()} if product else set()
            row.images = [i for i in row.images if i.sha256 not in have]
            row.action = "update" if row.images else "unchanged"
            row.changes = ["images"] if row.images else []
            continue
        if product is None:
            row.action = "create"
            continue
        now = _snapshot(product)
        changes = [k for k, v in row.fields.items() if now.get(k) != v]
        tiers = [services.Tier(t.min_quantity, t.unit_price) for t in product.price_tiers.all()]
        if tiers != row.tiers:
            changes.append("price_tiers")
        if row.specs is not None:
            specs = [services.Spec(s.name, s.value, s.name_zh, s.value_zh) for s in product.specs.all()]
            if specs != row.specs:
                changes.append("specs")
        if row.certifications is not None:
            certs = sorted((c.standard, c.expires_on) for c in product.certifications.all())
            if certs != sorted(row.certifications):
                changes.append("certifications")
        if row.status and row.status != product.status:
            changes.append("status")
        have = {i.sha256 for i in product.images.all()}
        row.images = [i for i in row.images if i.sha256 not in have]
        if row.images:
            changes.append("images")
        row.changes = changes
        row.action = "update" if changes else "unchanged"


# -- applying ------------------------------------------------------------------------------------


@transaction.atomic
def apply(
    *, supplier: Company, by_user: User, result: ImportResult, valid_only: bool = False
) -> dict[str, int]:
    """Write every planned change, or none: any failure rolls the whole import back.

    A file with errors is refused unless `valid_only`: then its valid rows are written (all or none)
    and the rejected ones are left out.
    """
    require_member(by_user, supplier)
    if not result.ok and not valid_only:
        raise ValidationError(_("The file has errors; nothing was imported."))
    now = timezone.now()
    products = {
        p.sku: p
        for p in Product.objects.select_for_update().filter(
            supplier=supplier, sku__in=[r.sku for r in result.rows]
        )
    }
    for row in result.rows:
        if row.action == "unchanged":
            continue
        product = products.get(row.sku)
        if row.action == "images":
            services.product_images_attach(product=product, images=row.images)
            continue
        if product is None:
            product = Product(supplier=supplier, sku=row.sku, created_at=now)
        for key, value in row.fields.items():
            setattr(product, key, value)
        specs = (
            row.specs
            if row.specs is not None
            else (
                [services.Spec(s.name, s.value, s.name_zh, s.value_zh) for s in product.specs.all()]
                if product.pk
                else []
            )
        )
        if row.status:
            product.status = row.status
            if row.status == ProductStatus.PUBLISHED and not product.published_at:
                product.published_at = now
        services.derive(product, row.tiers, specs)
        product.updated_at = now
        product.full_clean()
        product.save()
        services._write_children(product, row.tiers, specs)
        if row.certifications is not None:
            keep = {standard for standard, _expiry in row.certifications}
            product.certifications.exclude(standard__in=keep).delete()
            for standard, expiry in row.certifications:
                ProductCertification.objects.update_or_create(
                    product=product, standard=standard, defaults={"expires_on": expiry}
                )
        if row.images:
            services.product_images_attach(product=product, images=row.images)
    return result.counts()
