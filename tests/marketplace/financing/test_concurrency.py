"""Applications made at once, each in its own transaction on its own PostgreSQL connection, never push
the supplier past its credit limit, and never open two applications for one order."""

import threading
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from marketplace.financing import services
from marketplace.financing.models import FinancingApplication
from tests.marketplace.financing.conftest import ordered_deal

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]

THREADS = 20
AMOUNT = Decimal("20000")  # grade A's limit is 250,000 USD: 12 applications fit, the 13th would not


def run_at_once(calls) -> tuple[list, list]:
    barrier = threading.Barrier(len(calls))
    done, refused, errors = [], [], []

    def worker(call):
        try:
            barrier.wait()
            done.append(call())
        except ValidationError as exc:
            refused.append(exc)
        except Exception as exc:  # noqa: BLE001 - reported by the test
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(call,)) for call in calls]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return done, refused


def test_twenty_applications_at_once_never_exceed_the_suppliers_limit(world):
    deals = [ordered_deal(world["buyer"], world["supplier"])[0] for _ in range(THREADS)]

    def call(deal):
        return lambda: services.apply(
            deal=deal,
            by_user=world["supplier_user"],
            bank=world["bank"],
            amount=AMOUNT,
            currency="USD",
            term_days=90,
        )

    done, refused = run_at_once([call(deal) for deal in deals])
    assert len(done) == 12 and len(refused) == 8
    assert FinancingApplication.objects.count() == 12
    # Each saw the ones committed before it: credit in use before each was 0, 20,000 … 220,000.
    before = sorted(Decimal(a.suggestion["gating"]["exposure_before"]) for a in done)
    assert before == [AMOUNT * n for n in range(12)]
    assert all("above the 250,000 USD limit" in str(exc) for exc in refused)


def test_ten_applications_for_one_order_at_once_open_only_one(world):
    def call(bank):
        return lambda: services.apply(
            deal=world["deal"],
            by_user=world["supplier_user"],
            bank=bank,
            amount=Decimal("1000"),
            currency="USD",
            term_days=30,
        )

    done, refused = run_at_once([call(world["bank"] if n % 2 else world["other_bank"]) for n in range(10)])
    assert len(done) == 1 and len(refused) == 9
    assert FinancingApplication.objects.filter(order=world["order"]).count() == 1
