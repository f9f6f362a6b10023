"""How many queries each main page makes, against the baselines in tests/query_baselines.json.

The data has the shape of a real catalog (several suppliers, each product with price tiers, photos,
certificates and specs, a shared showcase), so a query per product, per photo or per row shows as a
changed count. Any change fails, better or worse: a lower count is good news that the baseline
should record, a higher one is usually an N+1. To record a deliberate change:

    QUERY_BASELINES=update python -m pytest tests/test_query_counts.py

then review and commit the changed tests/query_baselines.json with the change that explains it.
"""

import datetime
import json
import os
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from marketplace.companies.models import CompanyKind
from marketplace.deals import services as deal_services
from tests.marketplace.catalog.factories import (
    CertificationFactory,
    ChapterFactory,
    ProductFactory,
    ProductImageFactory,
    add_spec,
)
from tests.marketplace.companies.factories import CompanyFactory, IndustryFactory, MembershipFactory
from tests.marketplace.showcases.factories import ShowcaseAccessFactory, ShowcaseFactory, ShowcaseItemFactory

pytestmark = pytest.mark.django_db

BASELINES = Path(__file__).with_name("query_baselines.json")
SUPPLIERS = 4
PRODUCTS_PER_SUPPLIER = 6


@dataclass
class World:
    supplier_owner: object
    buyer: object
    supplier: object
    showcase: object
    product: object
    deal: object


@pytest.fixture(scope="module")
def world(django_db_setup, django_db_blocker):
    """Built once for the module inside a transaction that is rolled back at its end (each test nests)."""
    with django_db_blocker.unblock(), transaction.atomic():
        yield _build()
        transaction.set_rollback(True)


def _build() -> World:
    chapter = ChapterFactory(code="84")
    machinery = IndustryFactory(slug="machinery", name="Machinery", name_zh="机械")
    now = timezone.now()
    suppliers = []
    for s in range(SUPPLIERS):
        supplier = CompanyFactory(
            kind=CompanyKind.SUPPLIER,
            name=f"Ningbo Works {s}",
            industry=machinery,
            verified_at=now - datetime.timedelta(days=s),
        )
        suppliers.append(supplier)
        for p in range(PRODUCTS_PER_SUPPLIER):
            product = ProductFactory(
                supplier=supplier,
                category=chapter,
                name=f"Hydraulic press {s}-{p}",
                price__tiers=[(1, Decimal("1250")), (10, Decimal("1190")), (100, Decimal("1100"))],
            )
            ProductImageFactory(product=product)
            ProductImageFactory(product=product)
            CertificationFactory(product=product, standard="CE")
            CertificationFactory(product=product, standard="ISO9001")
            add_spec(product, "Clamping force", f"{600 + p} kN", "锁模力", f"{600 + p}千牛")
    for b in range(3):
        CompanyFactory(kind=CompanyKind.BUYER, name=f"Hamburg Import {b}", country="DE", industry=machinery)
    owner = MembershipFactory(company=suppliers[0]).user
    MembershipFactory(company=suppliers[0], role="staff")
    buyer = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER, country="DE")).user
    showcase = ShowcaseFactory(supplier=suppliers[0], created_by=owner, title="Spring offer")
    for product in suppliers[0].products.all():
        ShowcaseItemFactory(showcase=showcase, product=product, price=Decimal("999.00"))
    ShowcaseAccessFactory(showcase=showcase, company=buyer.company, granted_by=owner)
    for _ in range(2):
        ShowcaseAccessFactory(showcase=showcase, granted_by=owner)
    # A deal between the buyer and the first supplier with a 30-event record, as in bench/deals_bench.py.
    deal = deal_services.open_deal(
        buyer=buyer.company,
        supplier=suppliers[0],
        by_user=buyer,
        opening=deal_services.Opening(kind="company", message="Please quote FOB Ningbo"),
    )
    for i in range(29):
        deal_services.post_message(deal=deal, by_user=owner if i % 2 == 0 else buyer, body=f"Message {i + 2}")
    return World(
        deal=deal,
        supplier_owner=owner,
        buyer=buyer,
        supplier=suppliers[0],
        showcase=showcase,
        product=suppliers[0].products.order_by("pk").first(),
    )


# page -> (who is signed in, the URL, a text the page must show so the count is of the real page)
PAGES = {
    "product_search_anonymous": (
        None,
        lambda w: reverse("catalog:product_list") + "?q=press",
        lambda w: f"{SUPPLIERS * PRODUCTS_PER_SUPPLIER} products",
    ),
    "product_search_buyer": (
        "buyer",
        lambda w: reverse("catalog:product_list") + "?q=press",
        lambda w: f"{SUPPLIERS * PRODUCTS_PER_SUPPLIER} products",
    ),
    "product_detail_anonymous": (None, lambda w: w.product.get_absolute_url(), lambda w: w.product.name),
    "directory_anonymous": (None, lambda w: reverse("companies:company_list"), lambda w: "Ningbo Works 3"),
    "directory_buyer": ("buyer", lambda w: reverse("companies:company_list"), lambda w: "Ningbo Works 3"),
    "company_profile_anonymous": (
        None,
        lambda w: reverse("companies:company_detail", args=[w.supplier.slug]),
        lambda w: w.supplier.name,
    ),
    "company_profile_buyer": (
        "buyer",
        lambda w: reverse("companies:company_detail", args=[w.supplier.slug]),
        lambda w: w.supplier.name,
    ),
    "portal_product_list": (
        "supplier_owner",
        lambda w: reverse("catalog:portal_product_list"),
        lambda w: w.product.name,
    ),
    # The buyer's first visit (the page also records that they have read the thread).
    "deal_page_buyer": ("buyer", lambda w: w.deal.get_absolute_url(), lambda w: "Message 30"),
    "showcase_buyer": ("buyer", lambda w: w.showcase.get_absolute_url(), lambda w: "999.00 USD"),
    "showcase_manage": ("supplier_owner", lambda w: w.showcase.get_portal_url(), lambda w: w.product.name),
}


def _load() -> dict[str, int]:
    return json.loads(BASELINES.read_text()) if BASELINES.exists() else {}


def _record(page: str, count: int) -> None:
    baselines = _load()
    baselines[page] = count
    BASELINES.write_text(json.dumps(dict(sorted(baselines.items())), indent=2) + "\n")


def test_every_page_has_a_baseline_and_every_baseline_a_page():
    if os.environ.get("QUERY_BASELINES") == "update":
        for stale in set(_load()) - set(PAGES):
            baselines = _load()
            del baselines[stale]
            BASELINES.write_text(json.dumps(dict(sorted(baselines.items())), indent=2) + "\n")
        return
    assert set(_load()) == set(PAGES), "run with QUERY_BASELINES=update to add or drop pages"


@pytest.mark.parametrize("page", PAGES)
def test_query_count_matches_the_baseline(client, world, page):
    who, make_url, expected_text = PAGES[page]
    if who:
        client.force_login(getattr(world, who))
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(make_url(world))
    assert response.status_code == 200
    assert expected_text(world) in response.content.decode()
    count = len(ctx.captured_queries)
    if os.environ.get("QUERY_BASELINES") == "update":
        _record(page, count)
        return
    expected = _load().get(page)
    queries = "\n".join(f"  {i + 1}. {q['sql'][:160]}" for i, q in enumerate(ctx.captured_queries))
    assert count == expected, (
        f"{page}: {count} queries, the baseline in {BASELINES.name} says {expected}.\n"
        f"If the change is deliberate, run `QUERY_BASELINES=update python -m pytest {Path(__file__).name}` "
        f"and commit {BASELINES.name}.\nThe queries:\n{queries}"
    )
