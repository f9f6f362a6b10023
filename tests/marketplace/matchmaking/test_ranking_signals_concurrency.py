"""Two refreshes of one supplier's signals at once, on PostgreSQL with real connections: both succeed and
one set of rows is left.

Two orders with one supplier that commit together each refresh its signals on commit. The second
writer here starts while the first has written but not committed (it waits until PostgreSQL reports
the second blocked on a lock), the moment at which a delete-then-insert made the second insert the same
key and fail with an IntegrityError on the signals' primary key.
"""

import threading
import time

import pytest
from django.db import close_old_connections, connection, transaction

from marketplace.matchmaking import ranking_signals
from marketplace.matchmaking.models import SupplierCategory, SupplierSignals
from tests.marketplace.matchmaking.test_ranking_signals import machine, supplier

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def _someone_waits_on_a_lock(limit_seconds: float = 20.0) -> bool:
    """Polls pg_locks until a backend other than this one waits for a lock (or the limit passes)."""
    deadline = time.monotonic() + limit_seconds
    with connection.cursor() as cursor:
        while time.monotonic() < deadline:
            cursor.execute("SELECT count(*) FROM pg_locks WHERE NOT granted AND pid <> pg_backend_pid()")
            if cursor.fetchone()[0]:
                return True
            time.sleep(0.02)
    return False


def test_a_second_refresh_while_the_first_is_uncommitted_waits_and_replaces_it():
    company = supplier()
    machine(company)  # 8477: chapter 84 and heading 8477
    machine(company, hs_code="845811", name="CNC lathe")  # adds heading 8458
    SupplierSignals.objects.filter(supplier=company).delete()
    SupplierCategory.objects.filter(supplier=company).delete()  # neither row exists when both start

    first_wrote = threading.Event()
    second_started = threading.Event()
    errors: list[str] = []
    saw_the_wait: list[bool] = []

    def first():
        try:
            with transaction.atomic():
                ranking_signals.refresh_suppliers([company.pk])
                first_wrote.set()
                second_started.wait(20)
                saw_the_wait.append(_someone_waits_on_a_lock())
        except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
            errors.append(f"first: {exc!r}")
            first_wrote.set()
        finally:
            close_old_connections()
            connection.close()

    def second():
        try:
            first_wrote.wait(20)
            second_started.set()
            ranking_signals.refresh_suppliers([company.pk])
        except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
            errors.append(f"second: {exc!r}")
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=first), threading.Thread(target=second)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    assert saw_the_wait == [True]  # the second writer really overlapped the first one's transaction
    assert SupplierSignals.objects.filter(supplier=company).count() == 1
    codes = sorted(SupplierCategory.objects.filter(supplier=company).values_list("code", flat=True))
    assert codes == ["84", "8458", "8477"]
    signals = SupplierSignals.objects.get(supplier=company)
    assert signals.search_vector is not None  # the second write derived its search vector too
