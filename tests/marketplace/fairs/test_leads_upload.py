"""Lead upload: each scan carries a uuid made on the phone; the same batch sent twice, or out of order,
or twice at the same time, gives exactly one lead per scan."""

import json
import threading
import uuid

import pytest
from django.core.exceptions import PermissionDenied
from django.db import connection, connections
from django.urls import reverse

from marketplace.companies.models import CompanyKind, MemberRole
from marketplace.core.models import AuditEvent
from marketplace.fairs import badge_tokens, leads_services
from marketplace.fairs.models import Lead
from tests.marketplace.catalog.factories import ProductFactory
from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory, UserFactory
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory, RegistrationFactory
from tests.marketplace.fairs.factories_exhibitors import ExhibitorApplicationFactory, approved_exhibitor
from tests.marketplace.fairs.factories_leads import LeadQuestionFactory


@pytest.fixture
def floor(db):
    session = FairSessionFactory()
    exhibitor = CompanyFactory(kind=CompanyKind.SUPPLIER, name="Alpha Machinery")
    staff = MembershipFactory(company=exhibitor, role=MemberRole.STAFF).user
    approved_exhibitor(session=session, company=exhibitor)
    badges = [BadgeFactory(registration=RegistrationFactory(session=session)) for _ in range(3)]
    return {"session": session, "exhibitor": exhibitor, "staff": staff, "badges": badges}


def scan(badge, **extra):
    return {
        "client_id": str(uuid.uuid4()),
        "code": badge_tokens.token_for(badge),
        "scanned_at": "2026-10-15T09:30:00+08:00",
        **extra,
    }


def test_same_batch_twice_and_out_of_order_gives_one_lead_per_scan(floor, django_capture_on_commit_callbacks):
    batch = [scan(b, notes=f"visitor {i}") for i, b in enumerate(floor["badges"])]
    with django_capture_on_commit_callbacks(execute=True):
        first = leads_services.upload_scans(session=floor["session"], by_user=floor["staff"], scans=batch)
    assert [r["status"] for r in first] == ["created"] * 3
    again = leads_services.upload_scans(
        session=floor["session"], by_user=floor["staff"], scans=list(reversed(batch))
    )
    assert [r["status"] for r in again] == ["duplicate"] * 3
    assert {r["client_id"] for r in again} == {s["client_id"] for s in batch}
    # a later batch that repeats one old scan among new ones
    newer = [scan(floor["badges"][0]), batch[1]]
    mixed = leads_services.upload_scans(session=floor["session"], by_user=floor["staff"], scans=newer)
    assert [r["status"] for r in mixed] == ["created", "duplicate"]
    assert Lead.objects.count() == 4
    assert set(Lead.objects.values_list("client_id", flat=True)) == {
        uuid.UUID(s["client_id"]) for s in batch + newer
    }
    lead = Lead.objects.get(client_id=batch[2]["client_id"])
    assert lead.company == floor["exhibitor"] and lead.scanned_by == floor["staff"]
    assert lead.registration == floor["badges"][2].registration and lead.notes == "visitor 2"
    assert AuditEvent.objects.filter(action="fairs.lead.capture").count() == 4


def test_each_scan_is_checked_and_refused_with_a_reason(floor):
    other_session_badge = BadgeFactory()
    mine = ProductFactory(supplier=floor["exhibitor"])
    theirs = ProductFactory()
    question = LeadQuestionFactory(company=floor["exhibitor"], session=floor["session"], kind="yes_no")
    revoked = floor["badges"][1]
    good = scan(floor["badges"][0], rating="hot", products=[mine.pk], answers={str(question.pk): True})
    revoked_scan = scan(revoked)
    from django.utils import timezone

    revoked.revoked_at = timezone.now()
    revoked.save()
    batch = [
        good,
        {"client_id": "not-a-uuid", "code": "x"},
        scan(floor["badges"][2], code="B1.forged:nope"),
        scan(other_session_badge),
        revoked_scan,
        scan(floor["badges"][2], rating="lukewarm"),
        scan(floor["badges"][2], products=[theirs.pk]),
        scan(floor["badges"][2], answers={str(question.pk): "maybe"}),
        scan(floor["badges"][2], answers={"99999": "x"}),
    ]
    results = leads_services.upload_scans(session=floor["session"], by_user=floor["staff"], scans=batch)
    assert [r["status"] for r in results] == ["created"] + ["refused"] * 8
    assert "another fair session" in results[3]["reason"]
    assert "revoked" in results[4]["reason"]
    assert "own catalog" in results[6]["reason"]
    lead = Lead.objects.get()
    assert lead.rating == "hot" and list(lead.products.all()) == [mine]
    assert lead.answers == {str(question.pk): True}


def test_only_supplier_members_may_upload(floor):
    batch = [scan(floor["badges"][0])]
    buyer = MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER)).user
    for user in (buyer, UserFactory()):
        assert not leads_services.may_capture(user, floor["session"])
        with pytest.raises(PermissionDenied):
            leads_services.upload_scans(session=floor["session"], by_user=user, scans=batch)
    assert not Lead.objects.exists()


@pytest.mark.parametrize("status", ["pending", "rejected", "withdrawn", "other-session"])
def test_staff_of_a_supplier_not_approved_here_cannot_capture(floor, client, status):
    from marketplace.fairs.models import ExhibitorApplication
    from tests.marketplace.fairs.factories import FairPhaseFactory

    ExhibitorApplication.objects.filter(company=floor["exhibitor"]).delete()
    if status == "other-session":
        approved_exhibitor(session=FairSessionFactory(), company=floor["exhibitor"])
    else:
        ExhibitorApplicationFactory(
            phase=FairPhaseFactory(session=floor["session"]), company=floor["exhibitor"], status=status
        )
    staff = floor["staff"]
    assert not leads_services.may_capture(staff, floor["session"])
    with pytest.raises(PermissionDenied):
        leads_services.upload_scans(session=floor["session"], by_user=staff, scans=[scan(floor["badges"][0])])
    client.force_login(staff)
    page = client.get(reverse("leads:capture", kwargs={"slug": floor["session"].slug}))
    assert page.status_code == 403 and "approved exhibitors" in page.content.decode()
    body = json.dumps({"scans": [scan(floor["badges"][1])]})
    url = reverse("leads:upload", kwargs={"slug": floor["session"].slug})
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert not Lead.objects.exists()


def test_upload_api_json_and_csrf(floor, client):
    from django.test import Client

    url = reverse("leads:upload", kwargs={"slug": floor["session"].slug})
    body = json.dumps({"scans": [scan(floor["badges"][0])]})
    strict = Client(enforce_csrf_checks=True)
    strict.force_login(floor["staff"])
    assert strict.post(url, body, content_type="application/json").status_code == 403  # no CSRF token
    strict.get(reverse("leads:capture", kwargs={"slug": floor["session"].slug}))
    token = strict.cookies["csrftoken"].value
    response = strict.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert response.status_code == 200
    assert response.json()["results"][0]["status"] == "created"
    again = strict.post(url, body, content_type="application/json", headers={"X-CSRFToken": token})
    assert again.json()["results"][0]["status"] == "duplicate"
    assert Lead.objects.count() == 1
    # anonymous and a buyer are refused
    assert client.post(url, body, content_type="application/json").status_code == 401
    client.force_login(MembershipFactory(company=CompanyFactory(kind=CompanyKind.BUYER)).user)
    assert client.post(url, body, content_type="application/json").status_code == 403
    assert client.post(url, "{oops", content_type="application/json").status_code in (400, 403)


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent inserts need PostgreSQL")
def test_two_concurrent_uploads_of_the_same_batch():
    session = FairSessionFactory()
    exhibitor = CompanyFactory(kind=CompanyKind.SUPPLIER)
    staff = MembershipFactory(company=exhibitor).user
    approved_exhibitor(session=session, company=exhibitor)
    batch = [scan(BadgeFactory(registration=RegistrationFactory(session=session))) for _ in range(10)]
    barrier = threading.Barrier(4)
    results, errors = [], []

    def upload(order):
        try:
            barrier.wait()
            results.append(leads_services.upload_scans(session=session, by_user=staff, scans=order))
        except Exception as e:  # noqa: BLE001
            errors.append(e)
        finally:
            connections.close_all()

    orders = [batch, list(reversed(batch)), batch, batch[5:] + batch[:5]]
    threads = [threading.Thread(target=upload, args=(o,)) for o in orders]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    assert Lead.objects.filter(company=exhibitor).count() == 10
    created = [r for res in results for r in res if r["status"] == "created"]
    assert len(created) == 10
    assert all(r["status"] in ("created", "duplicate") for res in results for r in res)
