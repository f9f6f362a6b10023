"""Ten requests start paying the same milestone at once, each on its own PostgreSQL connection: exactly one
attempt opens (the row lock, and behind it the partial unique index on open states)."""

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from marketplace.payments import services
from marketplace.payments.models import PaymentAttempt

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]
THREADS = 10


def test_concurrent_starts_open_one_attempt(ordered, parties, settings):
    settings.PAYMENTS_METHODS = ["tt"]
    milestone = ordered.milestones.get(seq=1)
    barrier = threading.Barrier(THREADS)
    opened, refused, errors = [], [], []

    def start():
        try:
            barrier.wait()
            opened.append(services.start(milestone=milestone, method="tt", by_user=parties["buyer_user"]).pk)
        except ValidationError:
            refused.append(1)
        except Exception as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=start) for _ in range(THREADS)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert len(opened) == 1 and len(refused) == THREADS - 1
    assert PaymentAttempt.objects.filter(milestone=milestone).count() == 1
