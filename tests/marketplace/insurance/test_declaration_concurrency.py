"""Concurrent declarations under one limit, each in its own transaction on its own PostgreSQL connection:
the limit row is locked, so what they use never exceeds the limit."""

import datetime as dt
import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections
from django.utils import timezone

from marketplace.insurance import services
from marketplace.insurance.models import CreditLimit, Declaration
from tests.marketplace.insurance.helpers import ordered_deal, rate, ship

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]

DEALS = 6
EACH = Decimal("30000")  # a 100,000 limit: three fit, the fourth would not


def test_concurrent_declarations_never_exceed_the_limit(people):
    rate(people["buyer"], "A")
    deals = [
        ordered_deal(
            buyer=people["buyer"],
            supplier=people["supplier"],
            buyer_user=people["buyer_user"],
            supplier_user=people["supplier_user"],
            price="6000.00",
        )
        for _ in range(DEALS)
    ]
    limit = services.request_cover(deal=deals[0], insurer=people["insurer"], by_user=people["supplier_user"])
    services.decide_limit(
        limit=limit,
        by_user=people["officer"],
        outcome="approve",
        amount=Decimal("100000"),
        max_term_days=90,
        valid_until=timezone.localdate() + dt.timedelta(days=365),
    )
    shipments = [ship(deal, people["supplier_user"], tracking=f"T{n}") for n, deal in enumerate(deals)]
    barrier = threading.Barrier(DEALS)
    done, refused, errors = [], [], []

    def declare(deal, shipment):
        try:
            barrier.wait()
            done.append(
                services.declare(
                    deal=deal, shipment=shipment, by_user=people["supplier_user"], insured_amount=EACH
                )
            )
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=declare, args=pair) for pair in zip(deals, shipments, strict=True)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=180)
    assert not errors, errors
    assert len(done) == 3 and len(refused) == DEALS - 3
    limit = CreditLimit.objects.get(pk=limit.pk)
    assert limit.used == Decimal("90000") <= limit.amount
    assert sum(d.limit_amount for d in Declaration.objects.filter(limit=limit)) == limit.used
