"""Eight desks scan the same badge at the same moment, each in its own transaction on its own PostgreSQL
connection: one check-in row, one "checked in", seven "already checked in", no error, one credit fact."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from credit.models import Fact
from marketplace.fairs import badge_tokens, badges_services
from marketplace.fairs.models import CheckIn
from tests.marketplace.companies.factories import UserFactory
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory, ServicePointFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]

DESKS = 8


def test_simultaneous_scans_of_one_badge_check_in_once():
    session = FairSessionFactory(starts_on=timezone.localdate() - dt.timedelta(days=1))
    points = []
    for _ in range(DESKS):
        point = ServicePointFactory(session=session)
        point.staff.add(UserFactory())
        points.append(point)
    badge = BadgeFactory(registration__session=session)
    code = badge_tokens.token_for(badge)
    barrier = threading.Barrier(DESKS)
    results, errors = [], []

    def scan(point):
        try:
            barrier.wait()
            results.append(
                badges_services.check_in(code=code, service_point=point, by_user=point.staff.get())
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=scan, args=(p,)) for p in points]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not errors, errors
    assert sorted(r.created for r in results) == [False] * (DESKS - 1) + [True]
    assert CheckIn.objects.filter(badge=badge).count() == 1
    assert Fact.objects.filter(kind="fair_attended", subject_id=badge.registration.company_id).count() == 1
