import datetime

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.fairs import selectors
from marketplace.fairs.services import session_sync_dates
from tests.factories import FairPhaseFactory, FairSessionFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def sessions():
    today = timezone.localdate()
    d = datetime.timedelta
    return {
        "past": FairSessionFactory(name="139th", starts_on=today - d(days=220), ends_on=today - d(days=200)),
        "now": FairSessionFactory(name="140th", starts_on=today - d(days=2), ends_on=today + d(days=3)),
        "next": FairSessionFactory(name="141st", starts_on=today + d(days=40), ends_on=today + d(days=60)),
        "later": FairSessionFactory(name="142nd", starts_on=today + d(days=220), ends_on=today + d(days=240)),
    }


def test_current_next_and_past(sessions):
    assert selectors.current_session() == sessions["now"]
    assert selectors.next_session() == sessions["next"]
    assert list(selectors.past_sessions()) == [sessions["past"]]


def test_no_current_between_sessions(sessions):
    assert selectors.current_session(today=timezone.localdate() + datetime.timedelta(days=10)) is None


def test_phases_decide_the_session_dates():
    session = FairSessionFactory()
    first = FairPhaseFactory(
        session=session, number=1, starts_on=datetime.date(2027, 4, 15), ends_on=datetime.date(2027, 4, 19)
    )
    FairPhaseFactory(
        session=session, number=3, starts_on=datetime.date(2027, 5, 1), ends_on=datetime.date(2027, 5, 5)
    )
    session_sync_dates(session=session)
    assert (session.starts_on, session.ends_on) == (first.starts_on, datetime.date(2027, 5, 5))


def test_session_pages(client, sessions):
    html = client.get(reverse("fairs:session_list")).content.decode()
    assert "140th" in html and "141st" in html and "139th" in html
    detail = client.get(sessions["next"].get_absolute_url())
    assert detail.status_code == 200 and "<h1>141st</h1>" in detail.content.decode()
    assert client.get(reverse("fairs:session_detail", args=["nope"])).status_code == 404
