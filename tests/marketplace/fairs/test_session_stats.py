"""Operators see what a session's floor did for meetings: those at its booths' and hosted tables only."""

import pytest
from django.urls import reverse

from marketplace.fairs import session_stats
from marketplace.matchmaking.models.meetings import AttendanceOutcome
from tests.marketplace.fairs.factories import FairPhaseFactory, FairSessionFactory
from tests.marketplace.fairs.factories_exhibitors import ExhibitorApplicationFactory
from tests.marketplace.fairs.factories_hosted import HostedEventFactory, HostedTableFactory
from tests.marketplace.matchmaking.factories_meetings import MeetingFactory, MeetingTableFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def floor():
    session = FairSessionFactory()
    booth_table, hosted_table, elsewhere = MeetingTableFactory(), MeetingTableFactory(), MeetingTableFactory()
    ExhibitorApplicationFactory(phase=FairPhaseFactory(session=session), status="approved", table=booth_table)
    HostedTableFactory(event=HostedEventFactory(session=session), table=hosted_table)
    MeetingFactory(table=booth_table, mode="in_person", state="confirmed", outcome=AttendanceOutcome.HELD)
    MeetingFactory(table=booth_table, mode="in_person")  # requested, never accepted
    MeetingFactory(table=hosted_table, mode="in_person", state="confirmed", outcome=AttendanceOutcome.MISSED)
    MeetingFactory(table=elsewhere, mode="in_person", state="confirmed", outcome=AttendanceOutcome.HELD)
    MeetingFactory()  # online: no session's
    return session


def test_counts_only_the_sessions_tables(floor):
    stats = session_stats.meeting_statistics(floor)
    assert stats["requested"] == 3 and stats["held"] == 1 and stats["no_shows"] == 1


def test_only_operators_see_them_on_the_session_page(client, floor, operator, buyer_owner):
    url = reverse("fairs:session_detail", kwargs={"slug": floor.slug})
    client.force_login(buyer_owner)
    assert "Meetings at this session" not in client.get(url).content.decode()
    client.force_login(operator)
    assert "Meetings at this session" in client.get(url).content.decode()
