"""Twenty orders of one buyer placed at once on PostgreSQL, on real connections: the limit is never over-committed."""

import threading
from decimal import Decimal

import pytest
from django.db import close_old_connections, connection

from marketplace.deals import exposure, orders
from marketplace.deals.models import DealState, Order
from tests.marketplace.deals.factories import ContractAcceptanceFactory, ContractFactory, agreed_deal
from tests.marketplace.deals.test_orders import rate

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]

THREADS = 20


def test_twenty_concurrent_orders_never_pass_the_limit(parties):
    buyer, supplier = parties["buyer"], parties["supplier"]
    rate(buyer, "A")  # the default policy: open account up to 250,000 USD
    deals = []
    for _n in range(THREADS):
        # One line of 10 × 2,000.00 = 20,000 USD on open account, 60 days: twelve fit under 250,000.
        deal = agreed_deal(buyer=buyer, supplier=supplier, payment_terms="open_account")
        deal.accepted_offer.lines.update(unit_price=Decimal("2000.00"))
        contract = ContractFactory(deal=deal, offer=deal.accepted_offer)
        ContractAcceptanceFactory(contract=contract, side="buyer", company=buyer)
        ContractAcceptanceFactory(contract=contract, side="supplier", company=supplier)
        deals.append(deal)
    barrier = threading.Barrier(THREADS)
    outcomes: list[str] = []
    lock = threading.Lock()

    def place(deal):
        try:
            barrier.wait()
            try:
                orders.place_order(deal=deal, by_user=parties["buyer_user"])
                result = "placed"
            except orders.OrderRefused:
                result = "refused"
            except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
                result = f"error: {exc!r}"
            with lock:
                outcomes.append(result)
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=place, args=(deal,)) for deal in deals]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert sorted(set(outcomes)) == ["placed", "refused"], outcomes
    assert outcomes.count("placed") == 12 and outcomes.count("refused") == 8
    total = sum(amount for amount, _currency in exposure.outstanding(buyer))
    assert total == Decimal("240000") <= Decimal("250000")
    assert Order.objects.filter(deal__buyer=buyer).count() == 12
    # Each order's stored decision saw the orders committed before it: exposures 0, 20,000, … 220,000.
    befores = sorted(Decimal(o.decision["exposure_before"]) for o in Order.objects.all())
    assert befores == [Decimal(20000 * n) for n in range(12)]
    for deal in deals:
        deal.refresh_from_db()
    assert sum(d.state == DealState.ORDERED for d in deals) == 12
