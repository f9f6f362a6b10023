"""Secured terms: agreed terms the credit policy refuses are reopened (agreed → negotiation) and replaced.

The whole path through the services and the pages: a refused order, reopening with a reason, a counter-offer
with secured terms checked on the offer form before it is sent, its acceptance, a new contract, the order —
and the record still verifies. Every forbidden reopen leaves the deal, its contract and its record as they were.
"""

import datetime as dt

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from marketplace.core.transitions import TransitionNotAllowed
from marketplace.deals import negotiation, orders, record
from marketplace.deals.models import Contract, Deal, DealState, Offer, OfferStatus
from tests.marketplace.deals.test_negotiation import line, terms
from tests.marketplace.deals.test_orders import both_accept, rate

pytestmark = pytest.mark.django_db


@pytest.fixture
def agreed_refused(deal, parties):
    """A deal agreed through the services on open account for a BB buyer (open account needs A): the
    credit policy refuses the agreed terms. No contract yet."""
    rate(parties["buyer"], "BB")
    offer = negotiation.propose(
        deal=deal,
        by_user=parties["supplier_user"],
        terms=terms(payment_terms="open_account", deposit_percent=None, term_days=60),
        lines=[line()],
    )
    negotiation.accept(deal=deal, by_user=parties["buyer_user"], offer_id=offer.pk)
    deal.refresh_from_db()
    return deal


@pytest.fixture
def refused(agreed_refused, parties):
    """`agreed_refused` with both parties having accepted the contract: placing the order is refused."""
    deal = agreed_refused
    both_accept(deal, parties)
    with pytest.raises(orders.OrderRefused):
        orders.place_order(deal=deal, by_user=parties["buyer_user"])
    deal.refresh_from_db()
    return deal


def snapshot(deal):
    fresh = Deal.objects.get(pk=deal.pk)
    return (
        fresh.state,
        fresh.accepted_offer_id,
        fresh.record_length,
        fresh.record_head,
        list(Contract.objects.filter(deal=deal).values_list("pk", "voided_at")),
        list(Offer.objects.filter(deal=deal).values_list("pk", "status")),
    )


def test_secured_terms_after_a_refusal_lead_to_the_order_and_the_record_verifies(refused, parties):
    first_offer = refused.accepted_offer
    first_contract = Contract.objects.current().get(deal=refused)
    event = negotiation.reopen(
        deal=refused, by_user=parties["supplier_user"], reason="Buyer's grade needs secured terms."
    )
    refused.refresh_from_db()
    assert refused.state == DealState.NEGOTIATION and refused.accepted_offer is None
    assert event.action == "reopen" and event.actor_company_id == parties["supplier"].pk
    assert event.data["offer"] == first_offer.pk and event.data["contract"] == first_contract.number
    assert event.data["reason"] == "Buyer's grade needs secured terms."
    first_contract.refresh_from_db()
    assert first_contract.voided_at is not None and first_contract.acceptances.count() == 2
    # The earlier accepted offer keeps its status: it was accepted, and the record says so.
    assert Offer.objects.get(pk=first_offer.pk).status == OfferStatus.ACCEPTED

    secured = negotiation.propose(
        deal=refused,
        by_user=parties["supplier_user"],
        terms=terms(payment_terms="lc_sight", deposit_percent=None),
        lines=[line()],
    )
    assert secured.version == 2
    negotiation.accept(deal=refused, by_user=parties["buyer_user"], offer_id=secured.pk)
    refused.refresh_from_db()
    assert refused.state == DealState.AGREED and refused.accepted_offer_id == secured.pk
    second_contract = both_accept(refused, parties)
    assert second_contract.number == f"{first_contract.number}-2"
    assert second_contract.offer_id == secured.pk
    order = orders.place_order(deal=refused, by_user=parties["buyer_user"])
    assert order.payment_terms == "lc_sight" and order.offer_id == secured.pk
    assert order.decision["allowed"] is True
    actions = list(refused.events.values_list("action", flat=True))
    assert actions.index("reopen") < actions.index("place_order")
    assert actions.count("contract_issued") == 2 and actions.count("accept_offer") == 2
    assert record.verify(refused) is None


def test_the_buyer_may_reopen_too(refused, parties):
    negotiation.reopen(deal=refused, by_user=parties["buyer_staff"], reason="We will pay by L/C.")
    refused.refresh_from_db()
    assert refused.state == DealState.NEGOTIATION


@pytest.mark.parametrize(
    "who", ["third_user", "operator", "risk_officer", "bank_risk_officer", "no_company", "editor"]
)
def test_no_one_but_a_party_reopens(refused, parties, who):
    before = snapshot(refused)
    with pytest.raises(PermissionDenied):
        negotiation.reopen(deal=refused, by_user=parties[who], reason="No.")
    assert snapshot(refused) == before


def test_a_reason_is_required(refused, parties):
    before = snapshot(refused)
    with pytest.raises(ValidationError) as error:
        negotiation.reopen(deal=refused, by_user=parties["supplier_user"], reason="  ")
    assert "reason" in error.value.message_dict
    assert snapshot(refused) == before


@pytest.mark.parametrize("state", [DealState.INQUIRY, DealState.NEGOTIATION, DealState.ORDERED])
def test_only_agreed_terms_are_reopened(refused, parties, state):
    Deal.objects.filter(pk=refused.pk).update(state=state)
    before = snapshot(refused)
    with pytest.raises(TransitionNotAllowed):
        negotiation.reopen(deal=refused, by_user=parties["supplier_user"], reason="Late.")
    assert snapshot(refused) == before


def test_not_once_the_order_exists(parties):
    """An order row in "agreed" (never written by the services, but the guard is the service's own)."""
    from tests.marketplace.deals.factories import OrderFactory, agreed_deal

    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    OrderFactory(deal=deal, offer=deal.accepted_offer)
    Deal.objects.filter(pk=deal.pk).update(state=DealState.AGREED)
    before = snapshot(deal)
    with pytest.raises(ValidationError):
        negotiation.reopen(deal=deal, by_user=parties["supplier_user"], reason="Too late.")
    assert snapshot(deal) == before


# -- the pages ---------------------------------------------------------------------------------------------


def test_the_deal_page_offers_the_reopen_where_the_order_is_refused(client, refused, parties):
    reopen_url = reverse("deals:deal_reopen", args=[refused.pk])
    for who in ("buyer_user", "supplier_user"):
        client.force_login(parties[who])
        page = client.get(refused.get_absolute_url()).content.decode()
        assert "does not allow these terms" in page and reopen_url in page
    for who in ("risk_officer", "operator"):
        client.force_login(parties[who])
        assert reopen_url not in client.get(refused.get_absolute_url()).content.decode()


def test_the_reopen_page_flow_and_the_offer_form_checks_secured_terms(client, refused, parties):
    client.force_login(parties["supplier_user"])
    url = reverse("deals:deal_reopen", args=[refused.pk])
    empty = client.post(url, {"reopen-reason": ""})
    assert empty.status_code == 400
    assert 'id="id_reopen-reason"' in empty.content.decode() and "error-summary" in empty.content.decode()
    assert Deal.objects.get(pk=refused.pk).state == DealState.AGREED

    response = client.post(url, {"reopen-reason": "Secured terms for a BB buyer."})
    assert response.status_code == 302
    page = client.get(refused.get_absolute_url()).content.decode()
    assert "Terms reopened for secured terms" in page and "Secured terms for a BB buyer." in page

    # The counter-offer form starts from the refused terms and says so before anything is sent.
    form_url = reverse("deals:offer_create", args=[refused.pk])
    page = client.get(form_url).content.decode()
    assert "does not allow these terms" in page and "ask for secured terms" in page

    def post(**extra):
        data = {
            "currency": "USD",
            "incoterm": "FOB",
            "named_place": "Ningbo",
            "lead_time_days": "45",
            "payment_terms": "open_account",
            "term_days": "60",
            "inspection": "none",
            "valid_until": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
            "lines-TOTAL_FORMS": "1",
            "lines-INITIAL_FORMS": "0",
            "lines-0-description": "Injection moulding machine 120 t",
            "lines-0-quantity": "10",
            "lines-0-unit": "piece",
            "lines-0-unit_price": "12500.00",
        }
        data.update(extra)
        return client.post(form_url, data)

    # Refused terms are not sent on the first click: the page says why and asks once more.
    held = post()
    assert held.status_code == 200 and "Send these terms anyway" in held.content.decode()
    assert refused.offers.count() == 1
    # Checking secured terms says they pass; sending them makes version 2.
    checked = post(payment_terms="prepayment", term_days="", check="1")
    assert "allows these terms" in checked.content.decode() and refused.offers.count() == 1
    assert post(payment_terms="prepayment", term_days="").status_code == 302
    assert refused.offers.get(version=2).payment_terms == "prepayment"
    assert record.verify(refused) is None


def test_sending_refused_terms_anyway_is_possible(client, refused, parties):
    negotiation.reopen(deal=refused, by_user=parties["supplier_user"], reason="Ask for an override.")
    client.force_login(parties["supplier_user"])
    data = {
        "currency": "USD",
        "incoterm": "FOB",
        "named_place": "Ningbo",
        "lead_time_days": "45",
        "payment_terms": "open_account",
        "term_days": "30",
        "inspection": "none",
        "valid_until": (dt.date.today() + dt.timedelta(days=10)).isoformat(),
        "lines-TOTAL_FORMS": "1",
        "lines-INITIAL_FORMS": "0",
        "lines-0-description": "Machine",
        "lines-0-quantity": "1",
        "lines-0-unit": "piece",
        "lines-0-unit_price": "1000.00",
        "send_refused": "1",
    }
    response = client.post(reverse("deals:offer_create", args=[refused.pk]), data)
    assert response.status_code == 302 and refused.offers.count() == 2


@pytest.mark.parametrize("who", ["third_user", "bank_risk_officer", "no_company"])
def test_outsiders_posting_a_reopen_get_404_and_change_nothing(client, refused, parties, who):
    before = snapshot(refused)
    client.force_login(parties[who])
    url = reverse("deals:deal_reopen", args=[refused.pk])
    assert client.post(url, {"reopen-reason": "x"}).status_code == 404
    assert snapshot(refused) == before


def test_a_platform_reader_posting_a_reopen_changes_nothing(client, refused, parties):
    before = snapshot(refused)
    client.force_login(parties["risk_officer"])
    client.post(reverse("deals:deal_reopen", args=[refused.pk]), {"reopen-reason": "x"})
    assert snapshot(refused) == before


def test_a_voided_contract_stays_readable_by_the_parties_only(client, refused, parties):
    voided = Contract.objects.current().get(deal=refused)
    negotiation.reopen(deal=refused, by_user=parties["buyer_user"], reason="Secured terms, please.")
    url = reverse("deals:voided_contract_pdf", args=[refused.pk, voided.pk])
    client.force_login(parties["supplier_user"])
    page = client.get(reverse("deals:deal_detail", args=[refused.pk])).content.decode()
    assert url in page and f"Contract {voided.number} (void)" in page
    response = client.get(url)
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    assert f"{voided.number}-void.pdf" in response["Content-Disposition"]
    assert b"".join(response.streaming_content if response.streaming else [response.content])[:4] == b"%PDF"
    # Strangers get the same 404 as for a deal that does not exist.
    for who in ("third_user", "bank_risk_officer"):
        client.force_login(parties[who])
        assert client.get(url).status_code == 404


def test_no_contract_is_offered_from_terms_the_policy_refuses(client, agreed_refused, parties):
    deal = agreed_refused
    issue_url = reverse("deals:contract_issue", args=[deal.pk])
    client.force_login(parties["supplier_user"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert issue_url not in page and "no contract is drawn from them" in page
    assert reverse("deals:deal_reopen", args=[deal.pk]) in page
    # Terms the policy allows still offer the contract.
    rate(parties["buyer"], "AAA")
    assert issue_url in client.get(deal.get_absolute_url()).content.decode()
