"""Bad input on the contract and payment forms: the deal page again (400), each error next to its field and in
the page's error summary, what was typed kept, nothing written."""

import datetime as dt

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from marketplace.deals import contracts, orders
from marketplace.deals.models import ContractAcceptance, PaymentProof
from tests.marketplace.deals.factories import agreed_deal
from tests.marketplace.deals.test_orders import both_accept, rate

pytestmark = pytest.mark.django_db


def field_error(html: str, field_id: str) -> bool:
    """The field's own group is marked and the summary links to it."""
    return f'href="#{field_id}"' in html and f'id="{field_id}"' in html and "has-error" in html


def test_a_contract_acceptance_without_a_name_is_told_at_the_field(client, parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    contract = contracts.issue_contract(deal=deal, by_user=parties["supplier_user"])
    client.force_login(parties["buyer_user"])
    url = reverse("deals:contract_accept", args=[deal.pk])
    response = client.post(url, {"name": "  ", "title": "Purchasing director", "sha256": contract.sha256})
    assert response.status_code == 400
    html = response.content.decode()
    assert "error-summary" in html and field_error(html, "id_name")
    assert 'value="Purchasing director"' in html  # what was typed stays
    assert not ContractAcceptance.objects.exists()


def test_a_stale_contract_is_told_at_the_top_of_its_form(client, parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    contracts.issue_contract(deal=deal, by_user=parties["supplier_user"])
    client.force_login(parties["buyer_user"])
    response = client.post(
        reverse("deals:contract_accept", args=[deal.pk]),
        {"name": "Anna Weber", "title": "Director", "sha256": "0" * 64},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert "The contract changed since you opened it" in html and 'value="Anna Weber"' in html
    assert not ContractAcceptance.objects.exists()


@pytest.fixture
def ordered(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    orders.place_order(deal=deal, by_user=parties["buyer_user"])
    return deal


def test_a_proof_without_a_file_or_of_the_wrong_kind_is_told_at_the_file(client, parties, ordered):
    client.force_login(parties["buyer_user"])
    url = reverse("deals:milestone_proof", args=[ordered.pk, 1])
    response = client.post(url, {"note": "TT ref 42"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "id_proof1_file") and "Choose the file of the bank slip" in html
    assert 'value="TT ref 42"' in html
    disguised = SimpleUploadedFile("slip.pdf", b"MZ\x90\x00 not a pdf at all", content_type="application/pdf")
    response = client.post(url, {"file": disguised, "note": "TT ref 43"})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "id_proof1_file") and 'value="TT ref 43"' in html
    # The other milestone's form stays fresh.
    assert 'id="id_proof2_file"' in html
    assert not PaymentProof.objects.exists()


def test_a_payment_date_in_the_future_is_told_at_the_date(client, parties, ordered):
    client.force_login(parties["supplier_user"])
    url = reverse("deals:milestone_confirm", args=[ordered.pk, 1])
    tomorrow = (timezone.localdate() + dt.timedelta(days=1)).isoformat()
    response = client.post(url, {"paid_on": tomorrow})
    assert response.status_code == 400
    html = response.content.decode()
    assert field_error(html, "id_paid1_paid_on") and "cannot be in the future" in html
    assert f'value="{tomorrow}"' in html
    response = client.post(url, {"paid_on": "2.12.2026"})
    assert response.status_code == 400 and "YYYY-MM-DD" in response.content.decode()
    assert ordered.milestones.get(seq=1).paid_on is None
