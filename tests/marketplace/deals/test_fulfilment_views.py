"""The fulfilment pages and files: every URL tried by every principal; bad input shown next to its field."""

import datetime as dt

import pytest
from django.urls import reverse
from django.utils import timezone

from marketplace.deals import disputes, shipments, visits
from marketplace.deals.models import FactoryVisit, Shipment
from tests.marketplace.deals.fulfilment_helpers import (
    bring_to,
    disguised,
    pdf,
    photo,
    shipping_documents,
    snapshot,
)

pytestmark = pytest.mark.django_db
OUTSIDERS = ("third_user", "no_company", "bank_risk_officer", "editor", None)


@pytest.fixture
def full_deal(deal, parties):
    """A deal with a reported factory visit, a shipment, a delivery and a dispute with evidence."""
    bring_to(deal, "ordered")
    visit = visits.request_visit(
        deal=deal, by_user=parties["buyer_user"], mode="video", times=[timezone.now() + dt.timedelta(hours=3)]
    )
    visits.confirm_visit(visit=visit, by_user=parties["supplier_user"], time=visit.proposed[0])
    FactoryVisit.objects.filter(pk=visit.pk).update(confirmed_time=timezone.now() - dt.timedelta(hours=1))
    visit.refresh_from_db()
    visits.file_report(
        visit=visit,
        by_user=parties["buyer_user"],
        outcome="pass",
        checklist={"licence": True},
        notes="",
        photos=[photo()],
    )
    shipment = shipments.record_shipment(
        deal=deal,
        by_user=parties["supplier_user"],
        mode="sea",
        carrier="COSCO",
        tracking_reference="COSU1",
        shipped_on=timezone.localdate(),
        documents=shipping_documents(),
    )
    shipments.confirm_delivery(deal=deal, by_user=parties["buyer_user"], delivered_on=timezone.localdate())
    dispute = disputes.open_dispute(
        deal=deal,
        by_user=parties["buyer_user"],
        reason="damage",
        description="Crates crushed.",
        files=[pdf("e.pdf")],
    )
    deal.refresh_from_db()
    return {
        "deal": deal,
        "visit": visit,
        "photo": visit.photos.get(),
        "document": shipment.documents.first(),
        "evidence": dispute.evidence.get(),
    }


def pages(w, pk=None):
    pk = pk or w["deal"].pk
    v = w["visit"].pk
    return [
        reverse("deals:visit_request", args=[pk]),
        reverse("deals:visit_confirm", args=[pk, v]),
        reverse("deals:visit_report", args=[pk, v]),
        reverse("deals:shipment_create", args=[pk]),
        reverse("deals:delivery_confirm", args=[pk]),
        reverse("deals:dispute_open", args=[pk]),
        reverse("deals:dispute_answer", args=[pk]),
        reverse("deals:dispute_resolve", args=[pk]),
        reverse("deals:rating_create", args=[pk]),
    ]


def file_urls(w, pk=None):
    pk = pk or w["deal"].pk
    return [
        reverse("deals:visit_photo", args=[pk, w["photo"].pk]),
        reverse("deals:shipment_document", args=[pk, w["document"].pk]),
        reverse("deals:dispute_evidence", args=[pk, w["evidence"].pk]),
    ]


def as_(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("who", OUTSIDERS)
def test_outsiders_get_the_same_404_as_for_a_missing_deal(client, parties, full_deal, who):
    before = snapshot(full_deal["deal"])
    as_(client, parties[who] if who else None)
    missing = full_deal["deal"].pk + 1000
    for url in (
        pages(full_deal) + file_urls(full_deal) + pages(full_deal, missing) + file_urls(full_deal, missing)
    ):
        for method in ("get", "post"):
            response = getattr(client, method)(url)
            assert response.status_code == 404, f"{who} {method} {url}: {response.status_code}"
    assert snapshot(full_deal["deal"]) == before


@pytest.mark.parametrize(
    "who, status", [("buyer_user", 200), ("supplier_staff", 200), ("operator", 200), ("risk_officer", 404)]
)
def test_files_reach_the_parties_and_operators_only(client, parties, full_deal, who, status):
    as_(client, parties[who])
    for url in file_urls(full_deal):
        response = client.get(url)
        assert response.status_code == status, url
        if status == 200:
            assert (
                response["Cache-Control"].startswith("private")
                and response["X-Content-Type-Options"] == "nosniff"
            )


def test_a_file_of_another_deal_is_404_under_this_deal(client, parties, full_deal, deal):
    from marketplace.deals import services

    other = services.open_deal(
        buyer=parties["buyer"],
        supplier=parties["supplier"],
        by_user=parties["buyer_user"],
        opening=services.Opening(kind="company", message="Another"),
    )
    as_(client, parties["buyer_user"])
    for url in file_urls(full_deal, other.pk):
        assert client.get(url).status_code == 404


@pytest.mark.parametrize(
    "who, name",
    [
        ("supplier_user", "deals:visit_request"),
        ("buyer_user", "deals:shipment_create"),
        ("supplier_user", "deals:delivery_confirm"),
        ("supplier_user", "deals:dispute_open"),
        ("buyer_user", "deals:dispute_answer"),
        ("buyer_user", "deals:dispute_resolve"),
        ("operator", "deals:shipment_create"),
        ("risk_officer", "deals:dispute_resolve"),
    ],
)
def test_viewers_of_the_deal_who_may_not_take_the_step_get_403(client, parties, full_deal, who, name):
    before = snapshot(full_deal["deal"])
    as_(client, parties[who])
    url = reverse(name, args=[full_deal["deal"].pk])
    assert client.get(url).status_code == 403
    assert client.post(url, {"answer": "x", "resolution": "rejected", "reason": "x"}).status_code == 403
    assert snapshot(full_deal["deal"]) == before


def test_the_whole_flow_through_the_pages(client, parties, deal):
    bring_to(deal, "ordered", delivery_date=timezone.localdate())
    as_(client, parties["supplier_user"])
    detail = client.get(deal.get_absolute_url())
    assert reverse("deals:shipment_create", args=[deal.pk]) in detail.content.decode()
    today = timezone.localdate().isoformat()
    response = client.post(
        reverse("deals:shipment_create", args=[deal.pk]),
        {
            "mode": "sea",
            "carrier": "COSCO",
            "tracking_reference": "COSU77",
            "shipped_on": today,
            "commercial_invoice": pdf(),
            "packing_list": pdf(),
            "bill_of_lading": pdf(),
        },
    )
    assert response.status_code == 302
    as_(client, parties["buyer_user"])
    assert (
        client.post(reverse("deals:delivery_confirm", args=[deal.pk]), {"delivered_on": today}).status_code
        == 302
    )
    deal.refresh_from_db()
    assert deal.state == "delivered"
    body = client.get(deal.get_absolute_url()).content.decode()
    assert "COSU77" in body and reverse("deals:dispute_open", args=[deal.pk]) in body


def test_a_disguised_shipping_document_is_shown_next_to_the_form_and_nothing_is_written(
    client, parties, deal
):
    bring_to(deal, "ordered")
    before = snapshot(deal)
    as_(client, parties["supplier_user"])
    response = client.post(
        reverse("deals:shipment_create", args=[deal.pk]),
        {
            "mode": "sea",
            "carrier": "COSCO",
            "tracking_reference": "COSU77",
            "shipped_on": timezone.localdate().isoformat(),
            "commercial_invoice": disguised("invoice.pdf"),
            "packing_list": pdf(),
            "bill_of_lading": pdf(),
        },
    )
    assert response.status_code == 400
    assert "whatever its name says" in response.content.decode()
    assert snapshot(deal) == before and not Shipment.objects.exists()


@pytest.mark.parametrize(
    "name, data, message",
    [
        (
            "deals:visit_request",
            {"mode": "on_site", "proposed_1": "2020-01-01T10:00"},
            "must be in the future",
        ),
        ("deals:visit_request", {"mode": "on_site", "proposed_1": "next tuesday"}, "Enter a valid date/time"),
        ("deals:delivery_confirm", {"delivered_on": "2999-01-01"}, "cannot be in the future"),
        ("deals:delivery_confirm", {"delivered_on": "31/31/2025"}, "Enter a valid date"),
    ],
)
def test_bad_dates_are_refused_with_a_clear_message(client, parties, deal, name, data, message):
    state = "shipped" if name == "deals:delivery_confirm" else "negotiation"
    bring_to(deal, state)
    before = snapshot(deal)
    as_(client, parties["buyer_user"])
    response = client.post(reverse(name, args=[deal.pk]), data)
    assert response.status_code == 400 and message in response.content.decode()
    assert snapshot(deal) == before


def test_the_inspector_reaches_the_report_form_but_not_the_deal(client, parties, deal):
    from tests.marketplace.companies.factories import UserFactory

    inspector = UserFactory()
    bring_to(deal, "agreed")
    visit = visits.request_visit(
        deal=deal,
        by_user=parties["buyer_user"],
        mode="on_site",
        times=[timezone.now() + dt.timedelta(hours=2)],
        inspector_email=inspector.email,
    )
    visits.confirm_visit(visit=visit, by_user=parties["supplier_user"], time=visit.proposed[0])
    FactoryVisit.objects.filter(pk=visit.pk).update(confirmed_time=timezone.now() - dt.timedelta(hours=1))
    as_(client, inspector)
    assert client.get(deal.get_absolute_url()).status_code == 404
    url = reverse("deals:visit_report", args=[deal.pk, visit.pk])
    assert client.get(url).status_code == 200
    response = client.post(
        url, {"outcome": "pass", "checklist": ["licence", "capacity"], "photos": [photo()]}
    )
    assert response.status_code == 302
    visit.refresh_from_db()
    assert visit.status == "reported" and visit.checklist["capacity"] is True and visit.photos.count() == 1
    assert client.get(reverse("deals:visit_photo", args=[deal.pk, visit.photos.get().pk])).status_code == 200


@pytest.mark.parametrize("who", ["buyer_user", "supplier_user", "operator"])
def test_the_panel_and_the_step_pages_speak_chinese(client, parties, full_deal, who, rf):
    from django.template import Context, Template
    from django.utils import translation

    from marketplace.deals import ratings
    from tests.test_chinese_pages import english_words

    deal = full_deal["deal"]
    data = {
        deal.buyer.name,
        deal.supplier.name,
        deal.number,
        deal.subject,
        "COSCO",
        "COSU1",
        "Crates crushed.",
        "ci.pdf",
        "pl.pdf",
        "bl.pdf",
        "e.pdf",
        "line.png",
        parties["buyer_user"].email,
        "UTC",
    }
    user = parties[who]
    request = rf.get("/")
    request.user = user
    with translation.override("zh-hans"):
        html = Template("{% load deals_fulfilment %}{% fulfilment_panel deal %}").render(
            Context({"request": request, "deal": deal})
        )
        assert "看厂" in html
        assert english_words(html, data) == set(), who
    as_(client, user)
    client.cookies["django_language"] = "zh-hans"
    urls = [u for u in pages(full_deal) if client.get(u).status_code == 200]
    assert urls, "some step page is this person's to take"
    for url in urls:
        body = client.get(url, HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
        assert english_words(body, data | {"TrustFair"}) == set(), url
    assert ratings  # the module the rating page calls
