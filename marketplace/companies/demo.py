# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The companies part of the demo world, called by `manage.py seed_demo` (marketplace/demo).

Industries, about 900 companies drawn from the word lists in demo_data, the demo users of every role,
and the operator's verification work; `seed_scale` adds benchmark companies fast. Deterministic: each
stage draws from its own `random.Random` seeded from the run's seed and the stage's name. Idempotent:
rows are keyed by slug, email or (country, registration number), and a second run only adds what is
missing. Dates are relative to `anchor` (midnight today).

Each seeder reports through the callables it is given (`stage(name, started, **counts)`, `say(text)`,
`progress(label, done, total)`), so it prints nothing of its own.
"""

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from allauth.account.models import EmailAddress
from allauth.mfa.models import Authenticator
from allauth.mfa.totp.internal.auth import TOTP
from django.contrib.auth.hashers import make_password
from django.core.files.base import ContentFile
from django.core.management.base import CommandError
from django.db import connection, transaction
from django.utils import timezone, translation
from django.utils.text import slugify
from django_countries import countries

from marketplace.companies import demo_data as data
from marketplace.companies.models import (
    Company,
    CompanyKind,
    DocumentKind,
    DocumentStatus,
    Industry,
    Invitation,
    MemberRole,
    Membership,
    PlatformRole,
    User,
    VerificationDecision,
    VerificationDocument,
)
from marketplace.companies.staff_groups import EDITORS, MODERATORS, OPERATORS, ensure_staff_groups

Stage = Callable[..., None]  # stage(name, started, **counts): one line of progress per stage
Say = Callable[[str], None]
Progress = Callable[[str, int, int], None]  # progress(label, done, total)


def _quiet(*_args, **_kwargs) -> None:
    pass


BATCH_SIZE = 5000
SCALE_SLUG_PREFIX = "scale-"
# Registration serials: demo companies draw below DEMO_SERIAL_LIMIT, scale companies count up from
# SCALE_SERIAL_BASE, and every country format encodes the whole serial, so the two never collide.
DEMO_SERIAL_LIMIT = 1_000_000
SCALE_SERIAL_BASE = 1_000_000
FIVE_YEARS = timedelta(days=5 * 365)

INDUSTRY_BY_SLUG = {i.slug: i for i in data.INDUSTRIES}
CN_CITY_BY_NAME = {c.name: c for c in data.CN_CITIES}

DEMO_SUPPLIER = {
    "slug": "ningbo-hengtai-precision-machinery",
    "name": "Ningbo Hengtai Precision Machinery Co., Ltd.",
    "name_zh": "宁波恒泰精密机械有限公司",
    "kind": CompanyKind.SUPPLIER,
    "country": "CN",
    "city": "Ningbo",
    "street_line1": "No. 188 Xingye Road",
    "street_line2": "Beilun Economic and Technological Development Zone",
    "postal_code": "315800",
    "address_zh": "浙江省宁波市北仑区经济技术开发区兴业路188号",
    "industry": "machinery",
    "website": "https://hengtai-precision.example",
    "founded_year": 2004,
    "employees": 860,
}
DEMO_BUYER = {
    "slug": "harbourline-imports",
    "name": "Harbourline Imports Ltd",
    "name_zh": "",
    "kind": CompanyKind.BUYER,
    "country": "GB",
    "city": "Felixstowe",
    "street_line1": "Unit 4, Dock Gate 2 Business Park",
    "street_line2": "Walton Avenue",
    "postal_code": "IP11 3HF",
    "industry": "home-appliances",
    "website": "https://harbourline-imports.example",
    "founded_year": 1998,
    "employees": 140,
}


def _demo_email(local: str) -> str:
    return f"{local}@{data.DEMO_DOMAIN}"


# (email, first name, last name, platform role, company slug or "", member role, Django admin staff)
DEMO_USERS = (
    (
        _demo_email("supplier"),
        "Wei",
        "Zhang",
        PlatformRole.NONE,
        DEMO_SUPPLIER["slug"],
        MemberRole.OWNER,
        False,
    ),
    (_demo_email("buyer"), "Emma", "Clarke", PlatformRole.NONE, DEMO_BUYER["slug"], MemberRole.OWNER, False),
    (_demo_email("risk"), "Daniel", "Okafor", PlatformRole.RISK_OFFICER, "", "", False),
    (_demo_email("operator"), "Mei", "Lin", PlatformRole.OPERATOR, "", "", True),
    (_demo_email("editor"), "Sofia", "Marino", PlatformRole.EDITOR, "", "", False),
    (_demo_email("li.na"), "Na", "Li", PlatformRole.NONE, DEMO_SUPPLIER["slug"], MemberRole.STAFF, False),
    (
        _demo_email("chen.jing"),
        "Jing",
        "Chen",
        PlatformRole.NONE,
        DEMO_SUPPLIER["slug"],
        MemberRole.STAFF,
        False,
    ),
    (
        _demo_email("liu.yang"),
        "Yang",
        "Liu",
        PlatformRole.NONE,
        DEMO_SUPPLIER["slug"],
        MemberRole.STAFF,
        False,
    ),
    (
        _demo_email("james.wright"),
        "James",
        "Wright",
        PlatformRole.NONE,
        DEMO_BUYER["slug"],
        MemberRole.STAFF,
        False,
    ),
)
# Owners of two more companies of the drawn directory, so the demo has deals between more than one pair:
# a second supplier (the first verified Chinese manufacturer of plastic and rubber goods drawn) and a
# second buyer (the first verified German importer drawn). These are picked, not fixed: the directory
# is drawn from the seed, so which company each one owns follows `--seed`, `--suppliers` and `--buyers`.
SECOND_SUPPLIER, SECOND_BUYER = "@second-supplier", "@second-buyer"
DEMO_USERS += (
    (
        _demo_email("supplier2"),
        "Xiaoming",
        "Huang",
        PlatformRole.NONE,
        SECOND_SUPPLIER,
        MemberRole.OWNER,
        False,
    ),
    (_demo_email("buyer2"), "Jonas", "Becker", PlatformRole.NONE, SECOND_BUYER, MemberRole.OWNER, False),
)
# The platform's partners: an export credit insurer and a bank whose risk officers decide the insurance and
# financing applications made to them (insurer@ and bank@ are risk officers and owners of these), and a
# chamber that co-hosts buyer meetings. A partner needs an industry like any company: the one it serves most.
DEMO_PARTNERS = (
    {
        "slug": "pacific-export-credit-insurance",
        "name": "Pacific Export Credit Insurance Corporation",
        "name_zh": "太平洋出口信用保险公司",
        "kind": CompanyKind.INSURER,
        "country": "CN",
        "city": "Shanghai",
        "street_line1": "No. 1000 Lujiazui Ring Road",
        "street_line2": "Pudong New Area",
        "postal_code": "200120",
        "address_zh": "上海市浦东新区陆家嘴环路1000号",
        "industry": "machinery",
        "website": "https://pacific-eci.example",
        "founded_year": 2001,
        "employees": 2400,
        "description": "Pacific Export Credit Insurance insures exporters against the non-payment of their overseas buyers: buyer credit limits, shipment cover and claims, on TrustFair since 2019.",
        "description_zh": "太平洋出口信用保险公司为出口企业承保海外买家不付款的风险：买家信用限额、出运承保与理赔。",
    },
    {
        "slug": "harbour-commercial-bank",
        "name": "Harbour Commercial Bank",
        "name_zh": "港城商业银行",
        "kind": CompanyKind.BANK,
        "country": "CN",
        "city": "Ningbo",
        "street_line1": "No. 700 Ningdong Road",
        "street_line2": "Yinzhou District",
        "postal_code": "315040",
        "address_zh": "浙江省宁波市鄞州区宁东路700号",
        "industry": "machinery",
        "website": "https://harbour-bank.example",
        "founded_year": 1997,
        "employees": 5200,
        "description": "Harbour Commercial Bank finances exporters along the trade chain: pre-shipment loans against confirmed orders and post-shipment financing of insured receivables.",
        "description_zh": "港城商业银行为出口企业提供贸易链融资：基于确认订单的装运前贷款，以及已投保应收账款的装运后融资。",
    },
    {
        "slug": "euro-china-chamber-of-commerce",
        "name": "Euro-China Chamber of Commerce",
        "name_zh": "欧中商会",
        "kind": CompanyKind.CHAMBER,
        "country": "DE",
        "city": "Hamburg",
        "street_line1": "Am Sandtorkai 12",
        "street_line2": "",
        "postal_code": "20457",
        "address_zh": "",
        "industry": "home-appliances",
        "website": "https://euro-china-chamber.example",
        "founded_year": 1992,
        "employees": 45,
        "description": "The Euro-China Chamber of Commerce brings European buyers to the fair and co-hosts buyer meetings by region and industry.",
        "description_zh": "欧中商会组织欧洲采购商到会，并按地区和行业协办采购见面会。",
    },
)
DEMO_INSURER_SLUG, DEMO_BANK_SLUG, DEMO_CHAMBER_SLUG = (spec["slug"] for spec in DEMO_PARTNERS)
DEMO_USERS += (
    (
        _demo_email("insurer"),
        "Hui",
        "Wang",
        PlatformRole.RISK_OFFICER,
        DEMO_INSURER_SLUG,
        MemberRole.OWNER,
        False,
    ),
    (_demo_email("bank"), "Lei", "Zhou", PlatformRole.RISK_OFFICER, DEMO_BANK_SLUG, MemberRole.OWNER, False),
    (
        _demo_email("chamber"),
        "Anna",
        "Schmidt",
        PlatformRole.NONE,
        DEMO_CHAMBER_SLUG,
        MemberRole.OWNER,
        False,
    ),
)
DEMO_INSURER_OWNER = _demo_email("insurer")
DEMO_BANK_OWNER = _demo_email("bank")
DEMO_CHAMBER_OWNER = _demo_email("chamber")
DEMO_SLUGS = {DEMO_SUPPLIER["slug"], DEMO_BUYER["slug"]}
DEMO_SUPPLIER_OWNER = _demo_email("supplier")  # owns the demo supplier, shares its showcases
DEMO_BUYER_OWNER = _demo_email("buyer")
SECOND_SUPPLIER_OWNER = _demo_email("supplier2")
SECOND_BUYER_OWNER = _demo_email("buyer2")
DEMO_INVITEE = _demo_email("wang.fang")  # invited to the demo supplier, has no account yet

# ---------------------------------------------------------------------------------------------
# Registration numbers: one plausible format per country, each injective in `serial` (< 10**8).
# ---------------------------------------------------------------------------------------------


def _base(n: int, alphabet: str, width: int) -> str:
    digits = []
    for _ in range(width):
        n, r = divmod(n, len(alphabet))
        digits.append(alphabet[r])
    return "".join(reversed(digits))


def _unified_social_credit_code(region: str, serial: int) -> str:
    """China's 18-character code: '91' (enterprise), region, organisation part, GB 32100 check character."""
    chars = data.CN_REGISTRATION_CHARS
    # Multiplying by a number prime to 31 permutes the serials, so codes look scattered but stay unique.
    body = f"91{region}MA{_base(serial * 2_654_435_761 % 31**7, chars, 7)}"
    total = sum(chars.index(ch) * pow(3, i, 31) for i, ch in enumerate(body))
    return body + chars[(31 - total % 31) % 31]


_IN_STATES = ("MH", "DL", "TN", "GJ", "KA", "PB", "UP", "WB")


def registration_number(
    country: str, serial: int, *, year: int, region: str = "", initials: str = "XXX"
) -> str:
    # d8 is a permutation of the serial (7654321 is prime to 10), so it looks random and stays unique.
    n, d8 = serial, f"{serial * 7_654_321 % 10**8:08d}"
    match country:
        case "CN":
            return _unified_social_credit_code(region or "440100", n)
        case "VN":
            return f"0{n % 4 + 1}{d8}"
        case "IN":
            return f"U{17100 + n // 10**6:05d}{_IN_STATES[n % len(_IN_STATES)]}{year}PTC{n % 10**6:06d}"
        case "TR":
            return f"0{(n * 7919) % 10**7:07d}{d8}"
        case "DE":
            return f"HRB {n}"
        case "IT":
            return f"IT{d8}{n % 997:03d}"
        case "MX":
            day = date(year, 1, 1) + timedelta(days=n // 36**3)  # within the year while n < 17 million
            return (
                f"{initials[:3]:X<3}{day:%y%m%d}{_base(n % 36**3, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 3)}"
            )
        case "BD":
            return f"C-{n}/{year}"
        case "TH":
            return f"0105{d8}{n % 10}"
        case "MY":
            return f"{year}0{n:07d}"
        case "PL":
            return f"{n:010d}"
        case "KR":
            return f"{d8[:3]}-{81 + n % 7:02d}-{d8[3:]}"
        case "ES":
            return f"B{d8}"
        case "PK":
            return f"{n:07d}-{n % 9}"
        case "ID":
            return f"91{d8}{n % 1000:03d}"
        case "US":
            return f"{20 + n // 10**7:02d}-{n % 10**7:07d}"
        case "GB":
            return d8
        case "FR":
            s = f"{n + 300_000_000:09d}"
            return f"{s[:3]} {s[3:6]} {s[6:]}"
        case "NL":
            return f"{n + 50_000_000:08d}"
        case "CA":
            return f"{n + 700_000_000:09d}RC0001"
        case "BR":
            return f"{d8[:2]}.{d8[2:5]}.{d8[5:]}/0001-{n % 97:02d}"
        case "CL":
            return f"{76 + n // 10**6}.{n // 1000 % 1000:03d}.{n % 1000:03d}-{n % 10}"
        case "CO":
            return f"{900 + n // 10**6}.{n // 1000 % 1000:03d}.{n % 1000:03d}-{n % 10}"
        case "AR":
            return f"30-{n + 50_000_000:08d}-{n % 10}"
        case "AU":
            s = f"{n + 600_000_000:09d}"
            return f"{s[:3]} {s[3:6]} {s[6:]}"
        case "JP":
            return f"{n % 9 + 1}{d8}{n % 10000:04d}"
        case "AE":
            return f"CN-{n + 1_000_000}"
        case "SA":
            return f"10{d8}"
        case "EG":
            return f"CR {n}"
        case "NG":
            return f"RC {n}"
        case "KE":
            return f"PVT-{_base(n, '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ', 6)}"
        case "ZA":
            return f"{year}/{n:06d}/07"
        case "RU":
            return f"1{year % 100:02d}77{d8}"
        case "SG":
            return f"{year}{n % 10**5:05d}{chr(65 + n // 10**5 % 26)}"
        case "PH":
            return f"CS{year}{n:06d}"
    raise ValueError(f"No registration format for {country}")


# ---------------------------------------------------------------------------------------------
# Company generation
# ---------------------------------------------------------------------------------------------


def demo_address(row: dict) -> dict:
    """A registered address for a generated company, drawn from its own generator (seeded by its slug) so
    the rest of the world's draws stay as they were: street lines, postal code, and for China the address
    in Chinese as the company would register it."""
    rng = random.Random(f"address:{row['slug']}")
    number = rng.randint(1, 980)
    country = row["country"]
    if country == "CN":
        road, road_zh = rng.choice(data.CN_ROADS)
        park, park_zh = rng.choice(data.CN_PARKS)
        city = CN_CITY_BY_NAME.get(row["city"])
        prefix = data.CN_POSTAL_PREFIX.get(row["city"], "100")
        return {
            "street_line1": f"No. {number} {road}",
            "street_line2": f"{row['city']} {park}",
            "postal_code": f"{prefix}{rng.randint(0, 999):03d}",
            "address_zh": f"{city.name_zh if city else ''}市{park_zh}{road_zh}{number}号",
        }
    name = rng.choice(data.STREET_NAMES)
    pattern = data.STREET_FORMATS.get(country, "{n} {name} Road")
    street = pattern.format(n=number, name=name, kind=data.STREET_KIND.get(country, ""))
    postal = "".join(
        str(rng.randint(0, 9)) if ch == "9" else ch for ch in data.POSTAL_FORMATS.get(country, "")
    )
    return {"street_line1": street, "street_line2": "", "postal_code": postal, "address_zh": ""}


def _fill_missing_addresses(rows: list[dict], existing_slugs: set[str]) -> None:
    """Companies seeded before addresses existed get theirs now; an address someone typed is kept."""
    fields = ("street_line1", "street_line2", "postal_code", "address_zh")
    wanted = {r["slug"]: r for r in rows if r["slug"] in existing_slugs}
    if not wanted:
        return
    stale = list(
        Company.objects.filter(slug__in=list(wanted), street_line1="", address_zh="").only("pk", "slug")
    )
    for company in stale:
        for name in fields:
            setattr(company, name, wanted[company.slug].get(name, ""))
    Company.objects.bulk_update(stale, fields, batch_size=BATCH_SIZE)


def _employees(rng: random.Random, *, buyer: bool) -> int:
    bands = (
        ((3, 19), (20, 99), (100, 499), (500, 2500))
        if buyer
        else ((8, 49), (50, 199), (200, 999), (1000, 6000))
    )
    low, high = rng.choices(bands, weights=(30, 40, 22, 8))[0]
    value = rng.randint(low, high)
    return value if value < 50 else value // 5 * 5


def _pick_three(rng: random.Random, items: tuple[str, ...], items_zh: tuple[str, ...]) -> tuple[list, list]:
    idx = rng.sample(range(len(items)), 3)
    return [items[i] for i in idx], [items_zh[i] for i in idx]


def _join(words: list[str], last: str = " and ") -> str:
    return ", ".join(words[:-1]) + last + words[-1]


class WorldBuilder:
    """Draws companies from the word lists; remembers names, slugs and registrations already taken."""

    def __init__(self, rng: random.Random, anchor: datetime):
        self.rng = rng
        self.anchor = anchor
        self.names: set[str] = set()
        self.slugs: set[str] = set()
        self.domains: set[str] = set()
        self.serials: set[int] = set()
        self.all_slugs = tuple(INDUSTRY_BY_SLUG)
        self.supplier_countries = [c for c, _ in data.SUPPLIER_COUNTRIES]
        self.supplier_weights = [w for _, w in data.SUPPLIER_COUNTRIES]
        self.buyer_countries = [c for c, _ in data.BUYER_COUNTRIES]
        self.buyer_weights = [w for _, w in data.BUYER_COUNTRIES]

    def reserve(self, row: dict) -> None:
        self.names.add(row["name"])
        self.slugs.add(row["slug"])
        self.domains.add(row["website"])

    def _serial(self) -> int:
        while True:
            serial = self.rng.randrange(10_000, DEMO_SERIAL_LIMIT)
            if serial not in self.serials:
                self.serials.add(serial)
                return serial

    def _dates(self) -> tuple[datetime, datetime | None]:
        created = self.anchor - timedelta(seconds=self.rng.randint(86_400, int(FIVE_YEARS.total_seconds())))
        verified = None
        if self.rng.random() < 0.6:
            verified = min(created + timedelta(hours=self.rng.randint(4, 60 * 24)), self.anchor)
        return created, verified

    def _unique(self, make) -> tuple:
        """Call `make` until it returns a name and slug not yet taken (it always does within a few tries)."""
        for _ in range(40):
            parts = make()
            name = parts[0]
            slug = slugify(name)[:200]
            if name not in self.names and slug not in self.slugs:
                return parts, slug
        raise CommandError("The word lists are too small for this many companies.")

    def _domain(self, *words: str) -> str:
        base = "-".join(slugify(w) for w in words if w)[:50]
        domain, n = f"https://{base}.example", 1
        while domain in self.domains:
            n += 1
            domain = f"https://{base}-{n}.example"
        self.domains.add(domain)
        return domain

    def supplier(self) -> dict:
        if self.rng.random() < data.CN_SUPPLIER_SHARE:
            return self.chinese_supplier()
        country = self.rng.choices(self.supplier_countries, weights=self.supplier_weights)[0]
        return self.foreign_company(country, supplier=True)

    def buyer(self) -> dict:
        country = self.rng.choices(self.buyer_countries, weights=self.buyer_weights)[0]
        return self.foreign_company(country, supplier=False)

    def _kind(self, supplier: bool) -> str:
        if self.rng.random() < 0.05:
            return CompanyKind.BOTH
        return CompanyKind.SUPPLIER if supplier else CompanyKind.BUYER

    def chinese_supplier(self) -> dict:
        rng = self.rng
        city = rng.choice(data.CN_CITIES)
        industry = INDUSTRY_BY_SLUG[
            rng.choice(city.industries) if rng.random() < 0.75 else rng.choice(self.all_slugs)
        ]

        def make():
            brand_zh, brand_en = rng.choice(data.CN_BRANDS)
            k = rng.randrange(len(industry.trade_en))
            legal_zh, legal_en = rng.choice(data.CN_LEGAL_FORMS)
            if legal_en.startswith("Products") and industry.trade_en[k].endswith("Products"):
                legal_zh, legal_en = "有限公司", "Co., Ltd."
            return (
                f"{city.name} {brand_en} {industry.trade_en[k]} {legal_en}",
                f"{city.name_zh}{brand_zh}{industry.trade_zh[k]}{legal_zh}",
                brand_en,
                industry.trade_en[k],
            )

        (name, name_zh, brand, trade), slug = self._unique(make)
        created, verified = self._dates()
        founded = rng.randint(1988, min(2022, created.year))
        employees = _employees(rng, buyer=False)
        products, products_zh = _pick_three(rng, industry.products, industry.products_zh)
        (m1, m1_zh), (m2, m2_zh) = rng.sample(data.MARKETS, 2)
        cert = rng.choice(data.CERTIFICATES)
        short = f"{brand} {trade}" if rng.random() < 0.5 else name.rsplit(" Co.", 1)[0].rsplit(" Joint", 1)[0]
        row = {
            "name": name,
            "name_zh": name_zh,
            "slug": slug,
            "kind": self._kind(True),
            "country": "CN",
            "city": city.name,
            "industry": industry.slug,
            "registration_number": registration_number(
                "CN", self._serial(), year=founded, region=city.region_code
            ),
            "description": (
                f"{short} makes {_join(products)} in {city.name}, China. Founded in {founded}, it employs "
                f"about {employees} people and exports mainly to {m1} and {m2}. {cert} certified; OEM and "
                f"ODM orders welcome."
            ),
            "description_zh": (
                f"{name_zh}成立于{founded}年，位于{city.name_zh}，专业生产{'、'.join(products_zh)}，员工约"
                f"{employees}人，产品主要出口{m1_zh}和{m2_zh}。已通过{cert}认证，承接OEM和ODM订单。"
            ),
            "website": self._domain(brand, trade.split()[0]),
            "founded_year": founded,
            "employees": employees,
            "verified_at": verified,
            "created_at": created,
        }
        self.reserve(row)
        return row

    def foreign_company(self, country: str, *, supplier: bool) -> dict:
        rng = self.rng
        info = data.COUNTRIES[country]
        city = rng.choice(info.cities)
        if supplier and info.industries and rng.random() < 0.7:
            industry = INDUSTRY_BY_SLUG[rng.choice(info.industries)]
        else:
            industry = INDUSTRY_BY_SLUG[rng.choice(self.all_slugs)]

        def make():
            word = rng.choice(info.names)
            if supplier:
                trade = rng.choice(industry.trade_en)
            elif rng.random() < 0.15:
                trade = ""
                word = f"{word} & {rng.choice([n for n in info.names if n != word])}"
            else:
                trade = rng.choice(data.BUYER_TRADE_WORDS)
            legal = rng.choice(info.legal_forms)
            core = f"{word} {trade}".strip()
            name = f"{legal} {core}" if legal == "PT" else f"{core} {legal}"
            return name, word.split(" & ")[0], trade.split(" ")[0] if trade else ""

        (name, word, trade_word), slug = self._unique(make)
        created, verified = self._dates()
        founded = rng.randint(1975 if not supplier else 1985, min(2022, created.year))
        employees = _employees(rng, buyer=not supplier)
        products, _ = _pick_three(rng, industry.products, industry.products_zh)
        with translation.override("en"):
            country_name = str(countries.name(country))
        short = name if len(name) < 40 else word
        if supplier:
            m1, m2 = (m for m, _ in rng.sample(data.MARKETS, 2))
            description = (
                f"{short} manufactures {_join(products)} in {city}, {country_name}, since {founded}. About "
                f"{employees} employees; exports to {m1} and {m2}. {rng.choice(data.CERTIFICATES)} certified."
            )
        else:
            channel = rng.choice(data.BUYER_CHANNELS)
            market = rng.choice(data.MARKETS)[0]
            description = (
                f"{short} imports {products[0]} and {products[1]} for {channel} in {country_name} and "
                f"{market}. Sourcing from Asian manufacturers since {max(founded, 1990)}; about {employees} "
                f"staff, with a quality team that audits new suppliers."
            )
        initials = "".join(w[0] for w in slugify(name).split("-") if w)[:3].upper()
        row = {
            "name": name,
            "name_zh": "",
            "slug": slug,
            "kind": self._kind(supplier),
            "country": country,
            "city": city,
            "industry": industry.slug,
            "registration_number": registration_number(
                country, self._serial(), year=founded, initials=initials
            ),
            "description": description,
            "description_zh": "",
            "website": self._domain(word, trade_word),
            "founded_year": founded,
            "employees": employees,
            "verified_at": verified,
            "created_at": created,
        }
        self.reserve(row)
        return row

    def scale_row(self, serial: int, industry_ids: list[int], industry_slugs: list[str]) -> dict:
        """A benchmark company: drawn from the same lists, cheap to make, unique through its serial."""
        rng = self.rng
        k = rng.randrange(len(industry_ids))
        industry = INDUSTRY_BY_SLUG.get(industry_slugs[k]) or data.INDUSTRIES[0]
        created = self.anchor - timedelta(seconds=rng.randint(86_400, int(FIVE_YEARS.total_seconds())))
        verified = created + timedelta(days=rng.randint(1, 30)) if rng.random() < 0.6 else None
        product, product_zh = rng.choice(tuple(zip(industry.products, industry.products_zh, strict=True)))
        founded = rng.randint(1985, 2022)
        if rng.random() < 0.5:
            city = rng.choice(data.CN_CITIES)
            brand_zh, brand_en = rng.choice(data.CN_BRANDS)
            t = rng.randrange(len(industry.trade_en))
            country, city_name = "CN", city.name
            name = f"{city.name} {brand_en} {industry.trade_en[t]} Co., Ltd. (#{serial})"
            name_zh = f"{city.name_zh}{brand_zh}{industry.trade_zh[t]}有限公司（#{serial}）"
            description = f"Makes {product} in {city.name}, China, since {founded}."
            description_zh = f"{founded}年起在{city.name_zh}生产{product_zh}。"
            kind = CompanyKind.SUPPLIER
            region = city.region_code
        else:
            country = rng.choices(self.buyer_countries, weights=self.buyer_weights)[0]
            info = data.COUNTRIES[country]
            city_name = rng.choice(info.cities)
            supplier = rng.random() < 0.3
            trade = rng.choice(industry.trade_en if supplier else data.BUYER_TRADE_WORDS)
            legal = rng.choice(info.legal_forms)
            name = f"{rng.choice(info.names)} {trade} {legal} (#{serial})"
            name_zh = description_zh = ""
            description = (
                f"Makes {product} in {city_name} since {founded}."
                if supplier
                else f"Imports {product} for {rng.choice(data.BUYER_CHANNELS)} since {founded}."
            )
            kind = CompanyKind.SUPPLIER if supplier else CompanyKind.BUYER
            region = ""
        if rng.random() < 0.05:
            kind = CompanyKind.BOTH
        return {
            "name": name,
            "name_zh": name_zh,
            "slug": f"{SCALE_SLUG_PREFIX}{serial:06d}",
            "kind": kind,
            "country": country,
            "city": city_name,
            "industry_id": industry_ids[k],
            "registration_number": registration_number(
                country, SCALE_SERIAL_BASE + serial, year=founded, region=region
            ),
            "description": description,
            "description_zh": description_zh,
            "website": "",
            "founded_year": founded,
            "employees": _employees(rng, buyer=kind == CompanyKind.BUYER),
            "verified_at": verified,
            "created_at": created,
        }


def minimal_pdf(title: str, lines: list[str]) -> bytes:
    """A one-page PDF with a correct cross-reference table, so viewers and type sniffers accept it."""

    def esc(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = ["BT", "/F1 18 Tf", "72 770 Td", f"({esc(title)}) Tj", "/F1 11 Tf"]
    for line in lines:
        ops += ["0 -22 Td", f"({esc(line)}) Tj"]
    ops.append("ET")
    stream = "\n".join(ops).encode("latin-1", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        b"<< /Length %d >>\nstream\n" % len(stream) + stream + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, xref)
    return bytes(out)


# ---------------------------------------------------------------------------------------------
# Seeders
# ---------------------------------------------------------------------------------------------


@dataclass
class World:
    """What the companies seeder built, as the other apps' seeders need it."""

    industries: dict[str, Industry]
    companies: list[Company]  # the drawn directory, in draw order (the two demo companies first)
    supplier: Company  # the demo supplier (supplier@ is its owner)
    buyer: Company  # the demo buyer (buyer@)
    users: dict[str, User]  # the demo users by email
    added: dict[str, int] = field(default_factory=dict)  # rows added this run, per kind


def _rng(seed: int, stage: str) -> random.Random:
    return random.Random(f"{seed}:{stage}")


def seed_world(
    *,
    seed: int,
    anchor: datetime,
    n_suppliers: int = 300,
    n_buyers: int = 600,
    stage: Stage = _quiet,
) -> World:
    """Industries, the directory, the demo users and the verification queue, in one go."""
    added: dict[str, int] = {}
    industries = seed_industries(stage=stage, added=added)
    companies, supplier, buyer = seed_companies(
        industries,
        seed=seed,
        anchor=anchor,
        n_suppliers=n_suppliers,
        n_buyers=n_buyers,
        stage=stage,
        added=added,
    )
    partners = seed_partners(industries, anchor=anchor, stage=stage, added=added)
    users = seed_users(supplier, buyer, companies=companies, partners=partners, stage=stage, added=added)
    world = World(industries, companies, supplier, buyer, users, added)
    seed_documents(world, seed=seed, anchor=anchor, stage=stage)
    return world


def seed_industries(*, stage: Stage = _quiet, added: dict[str, int] | None = None) -> dict[str, Industry]:
    """The demo's industries by slug. They are reference data (companies migration 0003); re-added if deleted."""
    started = time.monotonic()
    existing = {i.slug: i for i in Industry.objects.all()}
    new = [
        Industry(slug=i.slug, name=i.name, name_zh=i.name_zh)
        for i in data.INDUSTRIES
        if i.slug not in existing
    ]
    Industry.objects.bulk_create(new)
    if added is not None:
        added["industries"] = len(new)
    industries = {i.slug: i for i in Industry.objects.filter(slug__in=INDUSTRY_BY_SLUG)}
    stage("industries", started, total=len(industries), new=len(new))
    return industries


def seed_partners(
    industries: dict[str, Industry],
    *,
    anchor: datetime,
    stage: Stage = _quiet,
    added: dict[str, int] | None = None,
) -> dict[str, Company]:
    """The demo insurer, bank and chamber by slug: verified companies of partner kinds (not in the directory draw)."""
    started = time.monotonic()
    existing = Company.objects.in_bulk([spec["slug"] for spec in DEMO_PARTNERS], field_name="slug")
    new = 0
    for n, spec in enumerate(DEMO_PARTNERS):
        if spec["slug"] in existing:
            continue
        verified_at = anchor - timedelta(days=900 + 30 * n)
        existing[spec["slug"]] = Company.objects.create(
            **{**spec, "industry": industries[spec["industry"]]},
            registration_number=registration_number(
                spec["country"], 1100 + n, year=spec["founded_year"], region=data.CN_CITIES[0].region_code
            ),
            verified_at=verified_at,
            created_at=verified_at - timedelta(days=10),
        )
        new += 1
    if added is not None:
        added["partners"] = new
    stage("partners", started, total=len(existing), new=new)
    return existing


def seed_companies(
    industries: dict[str, Industry],
    *,
    seed: int,
    anchor: datetime,
    n_suppliers: int,
    n_buyers: int,
    stage: Stage = _quiet,
    added: dict[str, int] | None = None,
) -> tuple[list[Company], Company, Company]:
    """The directory: the two demo companies, then suppliers and buyers drawn from the word lists."""
    started = time.monotonic()
    builder = WorldBuilder(_rng(seed, "companies"), anchor)
    fixed = []
    for spec in (DEMO_SUPPLIER, DEMO_BUYER):
        row = dict(spec)
        row["registration_number"] = registration_number(
            row["country"],
            1000 + len(fixed),
            year=row["founded_year"],
            region=CN_CITY_BY_NAME.get(row["city"], data.CN_CITIES[0]).region_code,
        )
        row["verified_at"] = anchor - timedelta(days=400 + 300 * len(fixed))
        row["created_at"] = row["verified_at"] - timedelta(days=12)
        row["description"], row["description_zh"] = _demo_descriptions(spec)
        builder.reserve(row)
        fixed.append(row)
    rows = (
        fixed + [builder.supplier() for _ in range(n_suppliers)] + [builder.buyer() for _ in range(n_buyers)]
    )
    for row in rows[len(fixed) :]:
        row.update(demo_address(row))

    existing_slugs = set(
        Company.objects.filter(slug__in=[r["slug"] for r in rows]).values_list("slug", flat=True)
    )
    taken_regs = set(
        Company.objects.filter(country__in={r["country"] for r in rows})
        .exclude(registration_number="")
        .values_list("country", "registration_number")
    )
    new = []
    for row in rows:
        if row["slug"] in existing_slugs:
            continue
        if (row["country"], row["registration_number"]) in taken_regs:
            row = {**row, "registration_number": ""}  # someone registered that number by hand
        new.append(Company(**{**row, "industry": industries[row["industry"]]}))
    _fill_missing_addresses(rows, existing_slugs)
    for start in range(0, len(new), BATCH_SIZE):
        Company.objects.bulk_create(new[start : start + BATCH_SIZE])
    if added is not None:
        added["companies"] = len(new)
    by_slug = Company.objects.in_bulk([r["slug"] for r in rows], field_name="slug")
    stage("companies", started, total=len(rows), new=len(new))
    return [by_slug[r["slug"]] for r in rows], by_slug[DEMO_SUPPLIER["slug"]], by_slug[DEMO_BUYER["slug"]]


def _demo_descriptions(spec: dict) -> tuple[str, str]:
    if spec["country"] == "CN":
        return (
            "Hengtai builds injection moulding machines, CNC lathes and hydraulic presses in Ningbo, "
            "China. Founded in 2004, it employs about 860 people and exports to Europe, Southeast Asia "
            "and Latin America. ISO 9001 and CE certified; OEM orders welcome.",
            "宁波恒泰精密机械有限公司成立于2004年，位于宁波，专业生产注塑机、数控车床和液压机，员工约860人，"
            "产品出口欧洲、东南亚和拉丁美洲。已通过ISO 9001和CE认证，承接OEM订单。",
        )
    return (
        "Harbourline imports small kitchen appliances and houseware for UK retail chains and online "
        "marketplaces. Sourcing from Asian manufacturers since 1998, with its own quality team in "
        "Felixstowe.",
        "",
    )


def second_companies(companies: list[Company]) -> dict[str, Company]:
    """The companies the second supplier and buyer own, in the order the directory was drawn."""
    picks: dict[str, Company] = {}
    for company in companies:
        if company.slug in DEMO_SLUGS or company.verified_at is None:
            continue
        if (
            SECOND_SUPPLIER not in picks
            and company.kind == CompanyKind.SUPPLIER
            and company.country == "CN"
            and company.industry.slug == "plastics-rubber"
        ):
            picks[SECOND_SUPPLIER] = company
        elif SECOND_BUYER not in picks and company.kind == CompanyKind.BUYER and company.country == "DE":
            picks[SECOND_BUYER] = company
        if len(picks) == 2:
            break
    return picks


def seed_users(
    supplier: Company,
    buyer: Company,
    *,
    companies: list[Company] = (),
    partners: dict[str, Company] | None = None,
    stage: Stage = _quiet,
    added: dict[str, int] | None = None,
) -> dict[str, User]:
    """The demo users of every role, in the staff groups (reference data) and their companies.

    The second supplier and buyer are seeded only if `companies` (the directory) holds a company for them;
    the partners' staff only if `partners` holds their company.
    """
    started = time.monotonic()
    groups = ensure_staff_groups()  # already there after migrate; a no-op unless someone deleted them
    company_by_slug = (
        {c.slug: c for c in (supplier, buyer)} | second_companies(list(companies)) | dict(partners or {})
    )
    existing = {u.email: u for u in User.objects.filter(email__in=[spec[0] for spec in DEMO_USERS])}
    password_hash = None  # hashing is slow on purpose: do it once for all new demo users
    users, new = {}, 0
    for email, first, last, role, company_slug, member_role, is_staff in DEMO_USERS:
        if company_slug and company_slug not in company_by_slug:
            continue  # a directory too small to have a company for this owner
        user = existing.get(email)
        if user is None:
            password_hash = password_hash or make_password(data.DEMO_PASSWORD)
            user = User(email=email, first_name=first, last_name=last, platform_role=role, is_staff=is_staff)
            user.password = password_hash
            user.save()
            new += 1
        EmailAddress.objects.update_or_create(
            user=user, email=email, defaults={"verified": True, "primary": True}
        )
        if role == PlatformRole.OPERATOR:
            user.groups.add(groups[OPERATORS])
        elif role == PlatformRole.EDITOR:
            # Editors add and edit pages; membership of Moderators lets the demo editor publish too.
            user.groups.add(groups[EDITORS], groups[MODERATORS])
        if company_slug and user.membership is None:
            company = company_by_slug[company_slug]
            Membership.objects.create(
                user=user, company=company, role=member_role, joined_at=company.created_at + timedelta(days=1)
            )
            del user.membership  # the cached "no membership" is stale now
        secret = data.DEMO_TOTP_SECRETS.get(email)
        if secret and not Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).exists():
            TOTP.activate(user, secret)
        users[email] = user
    if added is not None:
        added["users"] = new
    stage("demo users", started, total=len(users), new=new)
    return users


def seed_documents(world: World, *, seed: int, anchor: datetime, stage: Stage = _quiet) -> int:
    """Verification work for the operator: a decided history on the demo supplier, and a queue."""
    started = time.monotonic()
    rng = _rng(seed, "documents")
    operator = world.users[_demo_email("operator")]
    supplier_owner = world.users[_demo_email("supplier")]
    demo_supplier = world.supplier
    # Companies still waiting for verification: each gets an owner who uploaded a business licence.
    unverified = sorted(
        (c for c in world.companies if c.verified_at is None and c.slug not in DEMO_SLUGS),
        key=lambda c: c.slug,
    )
    waiting = rng.sample(unverified, min(5, len(unverified)))
    new_users = new_docs = 0
    password_hash = None
    plan = [
        (demo_supplier, supplier_owner, DocumentKind.BUSINESS_LICENCE, DocumentStatus.APPROVED, ""),
        (demo_supplier, supplier_owner, DocumentKind.CHAMBER_CERTIFICATE, DocumentStatus.PENDING, ""),
    ]
    for n, company in enumerate(waiting):
        email = (
            f"owner@{company.website.removeprefix('https://')}"
            if company.website
            else _demo_email(f"owner-{company.slug[:30]}")
        )
        owner = User.objects.filter(email=email).first()
        if owner is None:
            password_hash = password_hash or make_password(data.DEMO_PASSWORD)
            owner = User(email=email, first_name="Owner", last_name=company.name[:30], password=password_hash)
            owner.save()
            EmailAddress.objects.create(user=owner, email=email, verified=True, primary=True)
            new_users += 1
        if owner.membership is None:
            Membership.objects.create(user=owner, company=company, role=MemberRole.OWNER)
        if n == 0:
            plan.append(
                (
                    company,
                    owner,
                    DocumentKind.BUSINESS_LICENCE,
                    DocumentStatus.REJECTED,
                    "The scan is cut off at the bottom: the registration number is not readable.",
                )
            )
        plan.append((company, owner, DocumentKind.BUSINESS_LICENCE, DocumentStatus.PENDING, ""))
        if n % 2 == 1:
            plan.append((company, owner, DocumentKind.EXPORT_LICENCE, DocumentStatus.PENDING, ""))

    have = set(
        VerificationDocument.objects.filter(company__in={c for c, *_ in plan}).values_list(
            "company_id", "original_name"
        )
    )
    for number, (company, uploader, kind, status, reason) in enumerate(plan):
        original_name = f"{slugify(company.name)[:40]}-{kind.replace('_', '-')}-{status}.pdf"
        if (company.pk, original_name) in have:
            continue
        label = DocumentKind(kind).label
        content = minimal_pdf(
            str(label),
            [
                company.name,
                f"Registration number: {company.registration_number or 'n/a'}",
                f"Country: {company.country.code}  City: {company.city}",
                "Demo document made by seed_demo.",
            ],
        )
        uploaded_at = anchor - timedelta(days=len(plan) - number, hours=rng.randint(1, 20))
        if status == DocumentStatus.APPROVED and company.verified_at:
            uploaded_at = company.verified_at - timedelta(days=2)
        document = VerificationDocument(
            company=company,
            kind=kind,
            original_name=original_name,
            content_type="application/pdf",
            size=len(content),
            uploaded_by=uploader,
            uploaded_at=uploaded_at,
            status=status,
        )
        document.file.save(original_name, ContentFile(content), save=False)
        document.save()
        if status != DocumentStatus.PENDING:
            VerificationDecision.objects.create(
                document=document,
                status=status,
                reason=reason,
                decided_by=operator,
                decided_at=uploaded_at + timedelta(days=1),
            )
        new_docs += 1

    invitations = 0
    if not Invitation.objects.filter(company=demo_supplier, email=DEMO_INVITEE).exists():
        Invitation.objects.create(
            company=demo_supplier,
            email=DEMO_INVITEE,
            invited_by=supplier_owner,
            expires_at=timezone.now() + timedelta(days=Invitation.INVITATION_DAYS),
        )
        invitations = 1
    world.added["documents"] = new_docs + new_users + invitations
    pending = VerificationDocument.objects.filter(status=DocumentStatus.PENDING).count()
    stage(
        "verification",
        started,
        documents_new=new_docs,
        pending_in_queue=pending,
        owners_new=new_users,
        invitations_new=invitations,
    )
    return world.added["documents"]


def seed_scale(
    n: int,
    *,
    seed: int,
    anchor: datetime,
    say: Say = _quiet,
    stage: Stage = _quiet,
    progress: Progress = _quiet,
) -> int:
    """Make sure scale companies 1..n exist: rows are generated in order and only missing slugs inserted."""
    started = time.monotonic()
    industries = list(Industry.objects.order_by("slug").values_list("id", "slug"))
    if len(industries) < len(data.INDUSTRIES):
        seed_industries(stage=stage)
        industries = list(Industry.objects.order_by("slug").values_list("id", "slug"))
    industry_ids = [i for i, _ in industries]
    industry_slugs = [s for _, s in industries]
    existing = set(Company.objects.filter(slug__startswith=SCALE_SLUG_PREFIX).values_list("slug", flat=True))
    missing = n - sum(
        1 for s in existing if s[len(SCALE_SLUG_PREFIX) :].isdigit() and int(s[len(SCALE_SLUG_PREFIX) :]) <= n
    )
    say(f"scale companies  {len(existing):,} exist, {max(missing, 0):,} to add")
    if missing <= 0:
        return 0
    taken_regs = set(
        Company.objects.exclude(registration_number="")
        .exclude(slug__startswith=SCALE_SLUG_PREFIX)
        .values_list("country", "registration_number")
    )
    builder = WorldBuilder(_rng(seed, "scale"), anchor)
    batch: list[Company] = []
    added = 0
    with transaction.atomic():
        for serial in range(1, n + 1):
            row = builder.scale_row(serial, industry_ids, industry_slugs)
            if row["slug"] in existing:
                continue
            if (row["country"], row["registration_number"]) in taken_regs:
                row["registration_number"] = ""
            batch.append(Company(**row))
            if len(batch) == BATCH_SIZE:
                Company.objects.bulk_create(batch)
                added += len(batch)
                batch = []
                progress("companies", added, missing)
        if batch:
            Company.objects.bulk_create(batch)
            added += len(batch)
            progress("companies", added, missing)
    # Fresh statistics, so the planner knows the table grew. On PostgreSQL, VACUUM also sets the
    # visibility map, without which COUNT(*) cannot use an index-only scan until autovacuum passes.
    # VACUUM cannot run inside a transaction (as under tests), ANALYZE can.
    table = connection.ops.quote_name(Company._meta.db_table)
    vacuum = connection.vendor == "postgresql" and not connection.in_atomic_block
    with connection.cursor() as cursor:
        cursor.execute(f"{'VACUUM ANALYZE' if vacuum else 'ANALYZE'} {table}")
    stage("scale companies", started, new=added)
    return added
