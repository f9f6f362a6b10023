"""Two operators press "Schedule" at the same moment, each on its own PostgreSQL connection: every agreed
pair is booked once, and no person or table holds two meetings at once."""

import datetime as dt
import threading

import pytest
from django.db import connection, connections

from marketplace.companies.models import CompanyKind, PlatformRole
from marketplace.fairs import hosted_services as hs
from marketplace.fairs.models import HostedPair
from marketplace.matchmaking.models.meetings import Booking, Meeting
from tests.marketplace.companies.factories import (
    CompanyFactory,
    IndustryFactory,
    MembershipFactory,
    UserFactory,
)
from tests.marketplace.fairs.factories import FairSessionFactory

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="select_for_update is a no-op on SQLite"),
]


def person(kind, **company):
    return MembershipFactory(company=CompanyFactory(kind=kind, **company)).user


def test_two_operators_scheduling_at_once_book_each_pair_once():
    operators = [UserFactory(platform_role=PlatformRole.OPERATOR) for _ in range(2)]
    industry = IndustryFactory()
    day = dt.date.today() + dt.timedelta(days=10)
    event = hs.create_event(
        by_user=operators[0],
        session=FairSessionFactory(),
        title="EU buyers",
        region="EU",
        countries=["DE"],
        industry=industry,
        date=day,
        starts_at=dt.time(9),
        ends_at=dt.time(11),
        time_zone="Europe/Berlin",
        table_count=2,
        slot_minutes=30,
        max_meetings=3,
        apply_by=day,
    )
    event = hs.move_event(event, by_user=operators[0], to="open")
    for _ in range(3):
        hs.decide(
            hs.apply(event=event, by_user=person(CompanyKind.BUYER, country="DE"), side="buyer", need="x"),
            by_user=operators[0],
            accept=True,
        )
    for _ in range(3):
        hs.decide(
            hs.apply(
                event=event,
                by_user=person(CompanyKind.SUPPLIER, industry=industry),
                side="supplier",
                need="x",
            ),
            by_user=operators[0],
            accept=True,
        )
    hs.propose_pairs(event, by_user=operators[0])
    pairs = list(
        HostedPair.objects.filter(event=event).select_related("buyer__applicant", "supplier__applicant")
    )
    for pair in pairs:
        hs.answer_pair(pair, by_user=pair.buyer.applicant, accept=True)
        hs.answer_pair(pair, by_user=pair.supplier.applicant, accept=True)
    event = hs.move_event(event, by_user=operators[0], to="close")

    barrier = threading.Barrier(2)
    results, errors = [], []

    def run(operator):
        try:
            barrier.wait()
            results.append(hs.schedule(event, by_user=operator))
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(op,)) for op in operators]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=120)
    assert not errors, errors
    placed = sum(len(r["placed"]) for r in results)
    assert placed == len(pairs) == Meeting.objects.filter(hosted_pair__event=event).count()
    bookings = list(
        Booking.objects.filter(meeting__hosted_pair__event=event).values("user_id", "table_id", "start")
    )
    keys = [(b["user_id"], b["table_id"], b["start"]) for b in bookings]
    assert len(keys) == len(set(keys))
