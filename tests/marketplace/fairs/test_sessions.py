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


def test_the_session_page_leads_each_role_to_the_fair_floor(client, supplier_owner, buyer_owner):
    """Visitors find the directory and the floor plans; buyers register for a badge; suppliers apply to
    exhibit, register their staff and open the lead scanner."""
    from tests.marketplace.fairs.factories import HallFactory

    session = FairSessionFactory(slug="canton-141")
    FairPhaseFactory(session=session, number=1)
    HallFactory(session=session, code="11.2")
    url = reverse("fairs:session_detail", kwargs={"slug": session.slug})
    directory = reverse("exhibitors:directory", kwargs={"slug": session.slug})
    plan = reverse("exhibitors:floor_plan", kwargs={"slug": session.slug, "number": 1, "hall": "11.2"})
    register = f'href="{reverse("badges:register", kwargs={"slug": session.slug})}"'
    apply = reverse("exhibitors:apply", kwargs={"slug": session.slug, "number": 1})
    capture = reverse("leads:capture", kwargs={"slug": session.slug})
    page = client.get(url).content.decode()
    assert directory in page and plan in page and register not in page and apply not in page
    client.force_login(buyer_owner)
    page = client.get(url).content.decode()
    assert register in page and apply not in page and capture not in page
    client.force_login(supplier_owner)
    page = client.get(url).content.decode()
    # Scanning is for exhibitors of the session: shown once the application is approved.
    assert apply in page and capture not in page and register not in page
    from tests.marketplace.fairs.factories_exhibitors import approved_exhibitor

    approved_exhibitor(session=session, company=supplier_owner.membership.company)
    assert capture in client.get(url).content.decode()
