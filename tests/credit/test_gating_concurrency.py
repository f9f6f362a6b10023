"""20 orders of one buyer at once, each in its own transaction on its own PostgreSQL connection:
with `lock=True` the limit is never over-committed.

Each thread does what placing an order does: open a transaction, `decide(..., lock=True)`, and if
allowed record the order's amount in the exposure table that the `CREDIT_EXPOSURE` callable of the
test reads — a real table, created here, read with real SQL on the thread's own connection.
"""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from credit.gating import decide
from tests.credit.factories import AssessmentFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]

TABLE = "test_gating_exposure"
THREADS = 20
ORDER = Decimal("20000")  # grade A's limit is 250,000 USD: 12 orders fit, the 13th would not


def outstanding(subject):
    """The test's CREDIT_EXPOSURE: the unpaid amounts recorded for `subject` (this thread's connection)."""
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT amount, currency FROM {TABLE} WHERE subject_id = %s", [subject.pk])  # noqa: S608
        return cursor.fetchall()


@pytest.fixture
def exposure_table(settings):
    settings.CREDIT_EXPOSURE = "tests.credit.test_gating_concurrency.outstanding"
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TABLE {TABLE} (id serial PRIMARY KEY, subject_id integer NOT NULL,"
            " amount numeric(19, 4) NOT NULL, currency varchar(3) NOT NULL)"
        )
    yield
    with connection.cursor() as cursor:
        cursor.execute(f"DROP TABLE {TABLE}")


def place_orders(subject, *, lock: bool) -> list:
    barrier = threading.Barrier(THREADS)
    results, errors = [], []

    def order():
        try:
            barrier.wait()
            with transaction.atomic():
                decision = decide(subject, "open_account", ORDER, "USD", term_days=30, lock=lock)
                if decision.allowed:
                    with connection.cursor() as cursor:
                        cursor.execute(
                            f"INSERT INTO {TABLE} (subject_id, amount, currency) VALUES (%s, %s, 'USD')",  # noqa: S608
                            [subject.pk, ORDER],
                        )
                results.append(decision)
        except Exception as exc:  # noqa: BLE001 - reported by the test below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=order) for _ in range(THREADS)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    return results


def test_twenty_concurrent_orders_never_push_the_buyer_over_its_limit(exposure_table):
    subject = AssessmentFactory(grade="A").subject
    results = place_orders(subject, lock=True)
    assert len(results) == THREADS
    allowed = [d for d in results if d.allowed]
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT count(*), coalesce(sum(amount), 0) FROM {TABLE}")  # noqa: S608
        count, total = cursor.fetchone()
    assert count == len(allowed) == 12
    assert total == Decimal("240000") <= allowed[0].limit
    # The decisions were serialised: each saw the ones before it.
    assert sorted(d.exposure_before for d in allowed) == [ORDER * n for n in range(12)]
    refused = [d for d in results if not d.allowed]
    assert all(d.exposure_before == Decimal("240000.00") for d in refused)
    assert all(
        "Order would bring exposure to 260,000 USD, above the 250,000 USD limit." in d.reasons
        for d in refused
    )
