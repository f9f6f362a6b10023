# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The catalog part of the demo world and the catalog benchmark data, called by `manage.py seed_demo`.

`seed_catalog()` gives every demo supplier 8–15 products drawn from its industry (names in English,
and in Chinese for Chinese suppliers); the showcases seed themselves afterwards (showcases/demo.py).
`seed_catalog_scale()` fills PostgreSQL with benchmark products fast (COPY). Both are deterministic
(one random generator per supplier, seeded from its slug) and idempotent (rows are keyed by SKU and
only missing ones are written). The HS tree itself is reference data (catalog migration 0003).
"""

import random
import sys
import time
from datetime import timedelta
from decimal import ROUND_HALF_UP, Decimal

from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone

from marketplace.catalog.hs import create_missing_categories
from marketplace.catalog.models import (
    Category,
    PriceTier,
    Product,
    ProductCertification,
    ProductSpec,
    ProductStatus,
)
from marketplace.catalog.money import from_usd, to_usd
from marketplace.catalog.search import build_document
from marketplace.companies import demo_data
from marketplace.companies.models import Company, CompanyKind, Industry

BATCH = 5000
SCALE_PREFIX = "catalog-scale-"

# Per industry: (HS code for each of demo_data's four products, unit, typical unit price in USD).
INDUSTRY_TERMS: dict[str, tuple[tuple[str, str, str, str], str, int]] = {
    "machinery": (("847710", "845811", "846229", "841480"), "set", 18000),
    "agricultural-machinery": (("870110", "843229", "842441", "843780"), "set", 2500),
    "food-machinery": (("842230", "842240", "841981", "843880"), "set", 9000),
    "hardware-tools": (("820559", "846721", "731815", "830110"), "piece", 6),
    "auto-parts": (("870830", "870891", "870880", "851220"), "piece", 25),
    "motorcycles-ebikes": (("871160", "871110", "871410", "850760"), "piece", 420),
    "consumer-electronics": (("851822", "851762", "851830", "850760"), "piece", 18),
    "electronic-components": (("853400", "853690", "853224", "853641"), "piece", 1),
    "computers-networking": (("851762", "851762", "847150", "847330"), "piece", 160),
    "mobile-accessories": (("392690", "850440", "854442", "392099"), "piece", 2),
    "home-appliances": (("851660", "851660", "851610", "841451"), "piece", 22),
    "led-lighting": (("940541", "940542", "940549", "940511"), "piece", 9),
    "electrical-equipment": (("853620", "850423", "853710", "854449"), "piece", 140),
    "solar-energy": (("854143", "850440", "850760", "940542"), "piece", 120),
    "security-surveillance": (("852589", "852190", "853190", "853110"), "piece", 45),
    "building-materials": (("760410", "392520", "680291", "680800"), "m2", 18),
    "ceramics": (("690721", "691110", "691010", "691390"), "m2", 7),
    "bathroom-fittings": (("848180", "848180", "691010", "940360"), "piece", 35),
    "furniture": (("940130", "940161", "940360", "940379"), "piece", 85),
    "home-textiles": (("630231", "630260", "630391", "630140"), "set", 9),
    "kitchenware": (("732393", "821192", "732394", "821599"), "set", 12),
    "glassware": (("701090", "701337", "701090", "700719"), "piece", 1),
    "gifts-crafts": (("392640", "950590", "340600", "441400"), "piece", 3),
    "outdoor-garden": (("820190", "630622", "732111", "691400"), "piece", 20),
    "steel-products": (("730630", "731420", "730890", "732510"), "tonne", 780),
    "chemicals": (("320611", "350691", "320890", "382499"), "kg", 3),
    "plastics-rubber": (("392310", "401693", "392010", "391732"), "piece", 1),
    "packaging": (("481910", "481940", "482110", "481920"), "piece", 1),
    "textiles": (("520812", "540233", "520942", "600622"), "metre", 3),
    "garments": (("610910", "620193", "621132", "611020"), "piece", 5),
    "footwear": (("640411", "640399", "640299", "640391"), "pair", 12),
    "bags-luggage": (("420212", "420292", "420222", "420212"), "piece", 14),
    "fashion-jewellery": (("711719", "711719", "961511", "711719"), "piece", 1),
    "toys": (("950300", "950300", "950300", "950300"), "piece", 4),
    "baby-products": (("871500", "392490", "961900", "940180"), "piece", 30),
    "sporting-goods": (("950691", "950691", "950662", "650610"), "piece", 15),
    "stationery-office": (("482020", "960810", "482030", "321390"), "piece", 1),
    "medical-devices": (("630790", "901890", "901831", "940290"), "piece", 6),
    "cosmetics-personal-care": (("330499", "851631", "960321", "330430"), "piece", 3),
    "pet-products": (("940490", "420100", "250810", "950300"), "piece", 4),
    "food-beverages": (("090210", "200899", "071239", "190590"), "kg", 6),
}
DEFAULT_TERMS = (("392690", "392690", "392690", "392690"), "piece", 10)

SERIES = ("Pro", "Max", "Eco", "Plus", "Prime", "Lite", "X", "S", "Ultra", "Classic")
SERIES_ZH = ("专业版", "旗舰版", "节能版", "增强版", "精品版", "轻量版", "X系列", "S系列", "至尊版", "经典款")
MATERIALS = (("stainless steel 304", "304不锈钢"), ("aluminium alloy", "铝合金"), ("ABS plastic", "ABS塑料"),
             ("cast iron", "铸铁"), ("cotton", "棉"), ("polyester", "涤纶"), ("tempered glass", "钢化玻璃"),
             ("solid oak", "实木橡木"), ("silicone", "硅胶"), ("carbon steel", "碳钢"))  # fmt: skip
COLOURS = (("black", "黑色"), ("white", "白色"), ("grey", "灰色"), ("blue", "蓝色"), ("red", "红色"),
           ("custom colours", "可定制颜色"))  # fmt: skip
PORTS = ("Ningbo", "Shanghai", "Shenzhen", "Guangzhou", "Qingdao", "Xiamen", "Tianjin")
FOREIGN_PORTS = {"VN": "Ho Chi Minh City", "IN": "Nhava Sheva", "TR": "Istanbul", "DE": "Hamburg", "IT": "Genoa",
                 "MX": "Manzanillo", "BD": "Chittagong", "TH": "Laem Chabang", "MY": "Port Klang",
                 "ID": "Tanjung Priok", "PK": "Karachi", "BR": "Santos", "US": "Los Angeles", "GB": "Felixstowe"}  # fmt: skip
CERTS = ("CE", "RoHS", "ISO 9001", "FCC", "UL", "REACH", "ISO 14001", "GS")
INCOTERM_SETS = (
    ["FOB"],
    ["FOB", "CIF"],
    ["EXW", "FOB"],
    ["FOB", "CFR", "CIF"],
    ["EXW", "FCA", "DAP"],
    ["CIF", "DDP"],
)
CENT = Decimal("0.01")


def ensure_categories() -> dict[str, Category]:
    """Every HS category by code. The tree is reference data (catalog migration 0003); re-added if deleted."""
    create_missing_categories(Category)
    return {c.code: c for c in Category.objects.all()}


def _say(stdout, message: str) -> None:
    if stdout is not None:
        # Django's OutputWrapper ends lines itself; a plain stream needs the newline.
        stdout.write(message if hasattr(stdout, "style_func") else message + "\n")


CAPACITIES = (50, 200, 1000, 5000, 20000, 100000)


def _capacity(drawn: int, moq: int) -> int:
    """The drawn monthly capacity, raised to the first step that takes four minimum orders."""
    return next((c for c in CAPACITIES if c >= max(drawn, 4 * moq)), 4 * moq)


def _price(rng: random.Random, base: int) -> Decimal:
    return (Decimal(base) * Decimal(str(round(rng.uniform(0.55, 1.8), 3)))).quantize(
        CENT, ROUND_HALF_UP
    ) or CENT


def _tiers(rng: random.Random, price: Decimal, moq: int) -> list[tuple[int, Decimal]]:
    tiers, qty = [(moq, price)], moq
    for _ in range(rng.randint(1, 3)):
        qty = qty * rng.choice((3, 5, 10))
        price = max((price * Decimal(str(rng.uniform(0.86, 0.97)))).quantize(CENT, ROUND_HALF_UP), CENT)
        tiers.append((qty, price))
    return tiers


def _product_rows(rng: random.Random, company: Company, count: int, now) -> list[dict]:
    """What `count` products of a supplier look like; plain dicts so the demo and scale seeds share it."""
    industry = next(
        (i for i in demo_data.INDUSTRIES if i.slug == company.industry.slug), demo_data.INDUSTRIES[0]
    )
    codes, unit, base = INDUSTRY_TERMS.get(industry.slug, DEFAULT_TERMS)
    chinese = company.country == "CN"
    port = rng.choice(PORTS) if chinese else FOREIGN_PORTS.get(str(company.country), "")
    currencies = ("USD", "USD", "USD", "CNY", "EUR") if chinese else ("USD", "USD", "EUR")
    rows = []
    for n in range(count):
        k = n % len(industry.products)
        series = rng.randrange(len(SERIES))
        model = f"{company.slug[:2].upper()}{rng.randint(100, 990)}"
        product, product_zh = industry.products[k], industry.products_zh[k]
        title = product[:1].upper() + product[1:]
        material, material_zh = rng.choice(MATERIALS)
        colour, colour_zh = rng.choice(COLOURS)
        currency = rng.choice(currencies)
        price_usd = _price(rng, base)
        price = from_usd(price_usd, currency).quantize(CENT)  # the shared FX table (core.fx)
        moq = (
            1
            if base >= 1000
            else rng.choice((10, 50, 100, 200, 500, 1000))
            if base < 20
            else rng.choice((1, 5, 10, 20))
        )
        specs = [
            ("Model", model, "型号", model),
            ("Material", material, "材质", material_zh),
            ("Colour", colour, "颜色", colour_zh),
            ("Warranty", f"{rng.choice((12, 18, 24, 36))} months", "质保", ""),
        ]
        specs[3] = (*specs[3][:3], specs[3][1].replace(" months", "个月"))
        if unit in ("set", "piece") and base >= 15:
            watts = rng.choice((15, 60, 250, 750, 1500, 5500, 15000))
            specs.append(("Power", f"{watts} W", "功率", f"{watts}瓦"))
        roll = rng.random()
        status = (
            ProductStatus.PUBLISHED
            if roll < 0.86
            else ProductStatus.DRAFT
            if roll < 0.95
            else ProductStatus.ARCHIVED
        )
        rows.append(
            {
                "sku": f"{model}-{n + 1:02d}",
                "name": f"{title} {model} {SERIES[series]}",
                "name_zh": f"{product_zh} {model} {SERIES_ZH[series]}" if chinese else "",
                "description": (
                    f"{title} in {material}, {colour}. Made by {company.name} in {company.city or 'our factory'}; "
                    f"OEM and ODM orders welcome, samples in 7 days."
                ),
                "description_zh": f"{material_zh}{product_zh}，{colour_zh}。{company.name_zh or company.name}出品，支持OEM/ODM，7天出样。"
                if chinese
                else "",
                "hs_code": codes[k],
                "unit": unit,
                "currency": currency,
                "moq": moq,
                "tiers": _tiers(rng, price, moq),
                "specs": specs if chinese else [(a, b, "", "") for a, b, _c, _d in specs],
                "lead_time_days": rng.choice((7, 10, 15, 20, 25, 30, 45, 60)),
                # At least four minimum orders a month: a factory whose MOQ exceeds its capacity is no factory.
                "monthly_capacity": _capacity(rng.choice(CAPACITIES), moq),
                "incoterms": rng.choice(INCOTERM_SETS),
                "port": port,
                "status": status,
                "showcase_only": rng.random() < 0.05,
                "created_at": now - timedelta(days=rng.randint(1, 700), seconds=rng.randint(0, 86399)),
                "certs": [(c, rng.random() < 0.12) for c in rng.sample(CERTS, rng.choice((0, 1, 1, 2, 3)))],
            }
        )
    return rows


def _build(company: Company, row: dict, categories: dict, today) -> tuple[Product, list, list, list]:
    tiers = row["tiers"]
    min_price = min(p for _q, p in tiers)
    published = row["created_at"] + timedelta(hours=2) if row["status"] != ProductStatus.DRAFT else None
    product = Product(
        supplier=company,
        supplier_country=str(company.country),
        supplier_verified=company.verified_at is not None,
        sku=row["sku"],
        name=row["name"],
        name_zh=row["name_zh"],
        description=row["description"],
        description_zh=row["description_zh"],
        category=categories[row["hs_code"][:2]],
        hs_code=row["hs_code"],
        moq=row["moq"],
        unit=row["unit"],
        currency=row["currency"],
        min_price=min_price,
        min_price_usd=to_usd(min_price, row["currency"]),
        lead_time_days=row["lead_time_days"],
        monthly_capacity=row["monthly_capacity"],
        incoterms=sorted(row["incoterms"]),
        port_of_loading=row["port"],
        status=row["status"],
        showcase_only=row["showcase_only"],
        created_at=row["created_at"],
        updated_at=row["created_at"],
        published_at=published,
        search_document=build_document(
            row["sku"],
            row["name"],
            row["name_zh"],
            row["description"],
            row["description_zh"],
            *(" ".join(s) for s in row["specs"]),
        ),
    )
    tier_rows = [PriceTier(product=product, min_quantity=q, unit_price=p) for q, p in tiers]
    spec_rows = [
        ProductSpec(product=product, name=a, value=b, name_zh=c, value_zh=d, position=i)
        for i, (a, b, c, d) in enumerate(row["specs"])
    ]
    cert_rows = [
        ProductCertification(
            product=product,
            standard=standard,
            number=f"{standard.replace(' ', '')}-{row['sku']}",
            expires_on=today + timedelta(days=-40 if expired else 400),
        )
        for standard, expired in row["certs"]
    ]
    return product, tier_rows, spec_rows, cert_rows


def _bulk(model, rows: list) -> None:
    for start in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[start : start + BATCH])


@transaction.atomic
def seed_catalog(*, rng_seed: int = 2026, stdout=None) -> dict[str, int]:
    """8–15 products for every demo supplier (not the benchmark ones); returns what was added."""
    started = time.monotonic()
    categories = ensure_categories()
    now = timezone.now().replace(hour=0, minute=0, second=0, microsecond=0)
    today = timezone.localdate()
    suppliers = list(
        Company.objects.suppliers()
        .exclude(slug__startswith=SCALE_PREFIX)
        .exclude(slug__startswith="scale-")
        .select_related("industry")
        .order_by("slug")
    )
    existing = set(Product.objects.filter(supplier__in=suppliers).values_list("supplier_id", "sku"))
    products, tiers, specs, certs = [], [], [], []
    for company in suppliers:
        rng = random.Random(f"{rng_seed}:catalog:{company.slug}")
        for row in _product_rows(rng, company, rng.randint(8, 15), now):
            if (company.pk, row["sku"]) in existing or row["hs_code"][:2] not in categories:
                continue
            product, t, s, c = _build(company, row, categories, today)
            products.append(product)
            tiers += t
            specs += s
            certs += c
    _bulk(Product, products)
    for rows in (tiers, specs, certs):
        for obj in rows:
            obj.product_id = obj.product.pk
    _bulk(PriceTier, tiers)
    _bulk(ProductSpec, specs)
    _bulk(ProductCertification, certs)
    counts = {"categories": len(categories), "products": len(products)}
    _say(
        stdout,
        f"catalog          suppliers {len(suppliers):,}, products new {len(products):,} "
        f"({time.monotonic() - started:.1f} s)",
    )
    return counts


# -- benchmark scale -----------------------------------------------------------------------------

SCALE_COUNTRIES = ("CN",) * 6 + ("VN", "IN", "TR", "DE", "IT", "MX", "BD", "TH")


def _scale_suppliers(n: int, rng_seed: int, stdout) -> list[Company]:
    industries = {i.slug: i for i in Industry.objects.all()}
    missing = [
        Industry(slug=i.slug, name=i.name, name_zh=i.name_zh)
        for i in demo_data.INDUSTRIES
        if i.slug not in industries
    ]
    Industry.objects.bulk_create(missing)
    industries = list(
        Industry.objects.filter(slug__in=[i.slug for i in demo_data.INDUSTRIES]).order_by("slug")
    )
    existing = set(Company.objects.filter(slug__startswith=SCALE_PREFIX).values_list("slug", flat=True))
    rng = random.Random(f"{rng_seed}:catalog-scale-suppliers")
    now = timezone.now()
    new = []
    for i in range(1, n + 1):
        country = rng.choice(SCALE_COUNTRIES)
        industry = rng.choice(industries)
        verified = rng.random() < 0.6
        slug = f"{SCALE_PREFIX}{i:05d}"
        if slug in existing:
            continue
        new.append(
            Company(
                slug=slug,
                name=f"{industry.name} Supplier {i:05d}",
                name_zh=f"{industry.name_zh}供应商{i:05d}" if country == "CN" else "",
                kind=CompanyKind.SUPPLIER,
                country=country,
                city="",
                industry=industry,
                verified_at=now - timedelta(days=rng.randint(1, 900)) if verified else None,
            )
        )
    _bulk(Company, new)
    _say(stdout, f"scale suppliers  {len(new):,} added")
    return list(
        Company.objects.filter(slug__startswith=SCALE_PREFIX).select_related("industry").order_by("slug")[:n]
    )


def seed_catalog_scale(*, products: int, suppliers: int, rng_seed: int = 2026, stdout=None) -> int:
    """Make sure `suppliers` benchmark suppliers hold `products` products between them; returns products added.

    PostgreSQL: rows go in with COPY (ids reserved from the sequence), the GIN index is rebuilt once at
    the end when many rows were added; elsewhere bulk_create in batches of 5,000.
    """
    stdout = stdout or sys.stdout
    started = time.monotonic()
    categories = ensure_categories()
    companies = _scale_suppliers(suppliers, rng_seed, stdout)
    per = max(products // max(len(companies), 1), 1)
    have = dict(
        Product.objects.filter(supplier__slug__startswith=SCALE_PREFIX)
        .values_list("supplier_id")
        .annotate(n=Count("pk"))
    )
    todo = [(c, have.get(c.pk, 0)) for c in companies if have.get(c.pk, 0) < per]
    total = sum(per - done for _c, done in todo)
    _say(stdout, f"scale products   {total:,} to add ({per} per supplier)")
    if not total:
        return 0
    now = timezone.now()
    today = timezone.localdate()
    postgres = connection.vendor == "postgresql"
    writer = _CopyWriter(total) if postgres else None
    if postgres and total > 100_000:
        with connection.cursor() as cursor:
            cursor.execute("DROP INDEX IF EXISTS catalog_product_search_gin")
    added = 0
    buffer: list = []
    for company, done in todo:
        rng = random.Random(f"{rng_seed}:catalog-scale:{company.slug}")
        rows = _product_rows(rng, company, per, now)[done:]
        for row in rows:
            row["sku"] = f"{row['sku']}-{added % 1000:03d}"
            if row["hs_code"][:2] not in categories:
                row["hs_code"] = "392690"
            buffer.append(_build(company, row, categories, today))
            added += 1
        if len(buffer) >= BATCH:
            writer.write(buffer) if postgres else _bulk_built(buffer)
            buffer = []
            if added % 50_000 < BATCH:
                _say(stdout, f"  {added:,}/{total:,} products ({time.monotonic() - started:.0f} s)")
    if buffer:
        writer.write(buffer) if postgres else _bulk_built(buffer)
    if postgres:
        writer.close()
        with connection.cursor() as cursor:
            _say(stdout, "  building the GIN index and analysing …")
            cursor.execute(
                "CREATE INDEX IF NOT EXISTS catalog_product_search_gin ON catalog_product USING gin (search_vector)"
            )
            cursor.execute(
                "ANALYZE catalog_product; ANALYZE catalog_pricetier; ANALYZE catalog_productspec;"
                " ANALYZE companies_company; ANALYZE catalog_productcertification;"
            )
    _say(stdout, f"scale products   {added:,} added in {time.monotonic() - started:.0f} s")
    return added


def _bulk_built(built: list) -> None:
    with transaction.atomic():
        Product.objects.bulk_create([b[0] for b in built])
        for model, index in ((PriceTier, 1), (ProductSpec, 2), (ProductCertification, 3)):
            rows = [obj for b in built for obj in b[index]]
            for obj in rows:
                obj.product_id = obj.product.pk
            model.objects.bulk_create(rows, batch_size=BATCH)


class _CopyWriter:
    """COPY rows into PostgreSQL, ids reserved from each table's sequence first."""

    PRODUCT_COLUMNS = ("id", "supplier_id", "sku", "name", "name_zh", "description", "description_zh",
                       "category_id", "hs_code", "moq", "unit", "currency", "min_price", "min_price_usd",
                       "lead_time_days", "monthly_capacity", "incoterms", "port_of_loading", "status",
                       "showcase_only", "created_at", "updated_at", "published_at", "search_document",
                       "supplier_country", "supplier_verified")  # fmt: skip

    def __init__(self, total: int):
        self.total = total

    @staticmethod
    def _reserve(table: str, n: int) -> int:
        with connection.cursor() as cursor:
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), nextval(pg_get_serial_sequence('{table}', 'id')) + %s)",  # noqa: S608 - fixed table names
                [n - 1],
            )
            return cursor.fetchone()[0] - n + 1

    def write(self, built: list) -> None:
        import json

        first = self._reserve("catalog_product", len(built))
        for offset, (product, *_rest) in enumerate(built):
            product.pk = first + offset
        tiers = [t for b in built for t in b[1]]
        specs = [s for b in built for s in b[2]]
        certs = [c for b in built for c in b[3]]
        with transaction.atomic(), connection.cursor() as cursor:
            raw = cursor.cursor
            with raw.copy(f"COPY catalog_product ({', '.join(self.PRODUCT_COLUMNS)}) FROM STDIN") as copy:  # noqa: S608
                for p, *_rest in built:
                    copy.write_row(
                        (
                            p.pk,
                            p.supplier_id,
                            p.sku,
                            p.name,
                            p.name_zh,
                            p.description,
                            p.description_zh,
                            p.category_id,
                            p.hs_code,
                            p.moq,
                            p.unit,
                            p.currency,
                            p.min_price,
                            p.min_price_usd,
                            p.lead_time_days,
                            p.monthly_capacity,
                            json.dumps(p.incoterms),
                            p.port_of_loading,
                            p.status,
                            p.showcase_only,
                            p.created_at,
                            p.updated_at,
                            p.published_at,
                            p.search_document,
                            p.supplier_country,
                            p.supplier_verified,
                        )
                    )
            base = self._reserve("catalog_pricetier", len(tiers))
            with raw.copy(
                "COPY catalog_pricetier (id, product_id, min_quantity, unit_price) FROM STDIN"
            ) as copy:
                for i, t in enumerate(tiers):
                    copy.write_row((base + i, t.product.pk, t.min_quantity, t.unit_price))
            base = self._reserve("catalog_productspec", len(specs))
            with raw.copy(
                "COPY catalog_productspec (id, product_id, name, value, name_zh, value_zh, position) FROM STDIN"
            ) as copy:
                for i, s in enumerate(specs):
                    copy.write_row(
                        (base + i, s.product.pk, s.name, s.value, s.name_zh, s.value_zh, s.position)
                    )
            if certs:
                base = self._reserve("catalog_productcertification", len(certs))
                with raw.copy(
                    "COPY catalog_productcertification (id, product_id, standard, number, issued_by, expires_on, "
                    "file, content_type, created_at) FROM STDIN"
                ) as copy:
                    for i, c in enumerate(certs):
                        copy.write_row(
                            (
                                base + i,
                                c.product.pk,
                                c.standard,
                                c.number,
                                "",
                                c.expires_on,
                                "",
                                "",
                                timezone.now(),
                            )
                        )

    def close(self) -> None:
        pass
