"""The showcases part of the demo world, called by `manage.py seed_demo` (marketplace/demo).

Three private showcases from the demo supplier, shared with the demo buyer; the first one viewed and
answered with an interest. Idempotent: showcases are keyed by supplier and title. Runs after the
catalog seeder, since it offers the demo supplier's products.
"""

import time
from collections.abc import Callable
from datetime import datetime, timedelta
from decimal import Decimal

from marketplace.catalog.models import Product, ProductStatus
from marketplace.companies.models import User
from marketplace.showcases.models import Interest, Showcase, ShowcaseAccess, ShowcaseItem, ShowcaseView

CENT = Decimal("0.01")


def seed_showcases(
    *, supplier_user: User, buyer_user: User, now: datetime, stage: Callable[..., None] = lambda *a, **k: None
) -> int:
    """`supplier_user`'s company shares three showcases with `buyer_user`'s; returns how many were added."""
    started = time.monotonic()
    added = _seed(supplier_user, buyer_user, now)
    stage("showcases", started, total=Showcase.objects.count(), new=added)
    return added


def _seed(supplier_user: User, buyer_user: User, now: datetime) -> int:
    supplier, buyer = supplier_user.company, buyer_user.company
    if supplier is None or buyer is None:
        return 0
    mine = list(
        Product.objects.filter(supplier=supplier).exclude(status=ProductStatus.ARCHIVED).order_by("sku")
    )
    offerable = [p for p in mine if p.status == ProductStatus.PUBLISHED or p.showcase_only]
    if not offerable:
        return 0
    plans = [
        (
            "Spring partner prices 2026",
            "Prices held for our long-standing partners until the end of the season.",
            0,
            45,
        ),
        (
            "Preview: next-generation servo series",
            "Not in our public catalog yet — for you to see first.",
            2,
            60,
        ),
        (
            "Clearance of demonstration machines",
            "Ex-showroom units with full warranty, first come first served.",
            4,
            20,
        ),
    ]
    added = 0
    for n, (title, message, offset, days) in enumerate(plans):
        if Showcase.objects.filter(supplier=supplier, title=title).exists():
            continue
        showcase = Showcase.objects.create(
            supplier=supplier,
            title=title,
            message=message,
            created_by=supplier_user,
            valid_from=now - timedelta(days=3),
            valid_until=now + timedelta(days=days),
        )
        chosen = (offerable[offset:] + offerable[:offset])[:4]
        items = ShowcaseItem.objects.bulk_create(
            ShowcaseItem(
                showcase=showcase,
                product=p,
                position=i,
                currency=p.currency,
                price=(p.min_price * Decimal("0.92")).quantize(CENT),
                terms="FOB Ningbo, 30% deposit" if i % 2 == 0 else "",
            )
            for i, p in enumerate(chosen)
        )
        ShowcaseAccess.objects.create(
            showcase=showcase, company=buyer, granted_by=supplier_user, granted_at=now - timedelta(days=3)
        )
        if n == 0:
            views = [
                ShowcaseView(
                    showcase=showcase, company=buyer, user=buyer_user, viewed_at=now - timedelta(days=2)
                )
            ]
            views += [
                ShowcaseView(
                    showcase=showcase,
                    item=item,
                    company=buyer,
                    user=buyer_user,
                    viewed_at=now - timedelta(days=2, minutes=-5 * i),
                )
                for i, item in enumerate(items)
            ]
            ShowcaseView.objects.bulk_create(views)
            Interest.objects.create(
                showcase=showcase,
                item=items[0],
                product=items[0].product,
                company=buyer,
                user=buyer_user,
                quantity=items[0].product.moq * 10,
                message="Could you quote CIF Felixstowe for this quantity?",
                quoted_price=items[0].price,
                quoted_currency=items[0].currency,
                created_at=now - timedelta(days=1),
            )
        added += 1
    return added
