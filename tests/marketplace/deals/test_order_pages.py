"""The contract, order and payment pages: the whole flow through the views, and every file URL tried by
every other principal (the same 404 as a missing file)."""

from decimal import Decimal

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from marketplace.deals import contracts, milestones, orders
from marketplace.deals.models import Contract, DealState, MilestoneStatus
from tests.marketplace.deals.factories import PDF_BYTES, agreed_deal
from tests.marketplace.deals.test_orders import both_accept, rate

pytestmark = pytest.mark.django_db


def test_both_parties_accept_and_pay_through_the_pages(client, parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    detail = deal.get_absolute_url()
    client.force_login(parties["supplier_user"])
    page = client.get(detail).content.decode()
    assert "Draw up the sales contract" in page
    client.post(reverse("deals:contract_issue", args=[deal.pk]))
    contract = Contract.objects.get(deal=deal)
    for who, name in (("supplier_user", "Li Wei"), ("buyer_user", "Anna Weber")):
        client.force_login(parties[who])
        response = client.post(
            reverse("deals:contract_accept", args=[deal.pk]),
            {"name": name, "title": "Director", "sha256": contract.sha256},
            REMOTE_ADDR="198.51.100.4",
        )
        assert response.status_code == 302
    deal.refresh_from_db()
    assert deal.state == DealState.ORDERED
    assert {a.ip for a in contract.acceptances.all()} == {"198.51.100.4"}
    page = client.get(detail).content.decode()
    assert "The credit policy allows these terms for this buyer (grade A)." in page
    assert "Credit in use" in page  # the buyer sees its own limit and exposure
    client.post(
        reverse("deals:milestone_proof", args=[deal.pk, 1]),
        {"file": SimpleUploadedFile("slip.pdf", PDF_BYTES), "note": "TT 42"},
    )
    proof = deal.milestones.get(seq=1).proofs.get()
    response = client.get(reverse("deals:proof_file", args=[deal.pk, proof.pk]))
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF_BYTES
    client.force_login(parties["supplier_user"])
    page = client.get(detail).content.decode()
    assert "grade A" in page and "Credit in use" not in page  # the supplier sees the grade, never internals
    client.post(
        reverse("deals:milestone_confirm", args=[deal.pk, 1]), {"paid_on": timezone.localdate().isoformat()}
    )
    assert deal.milestones.get(seq=1).status == MilestoneStatus.PAID


def test_a_refusal_shows_why_and_offers_the_risk_officer_an_override(client, parties):
    rate(parties["buyer"], "BB")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="open_account")
    both_accept(deal, parties)
    client.force_login(parties["buyer_user"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "does not allow these terms" in page and "needs grade A" in page
    client.force_login(parties["supplier_user"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "does not allow these terms" in page and "needs grade A" not in page
    assert "ask for secured terms" in page
    client.force_login(parties["risk_officer"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert (
        reverse("credit:gating_override_create") + f"?subject={parties['buyer'].pk}&amp;action=open_account"
        in page
    )
    assert f"reference=deal%3A{deal.pk}" in page


@pytest.fixture
def files(parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    orders.place_order(deal=deal, by_user=parties["buyer_user"])
    proof = milestones.upload_proof(
        milestone=deal.milestones.get(seq=1),
        by_user=parties["buyer_user"],
        upload=SimpleUploadedFile("s.pdf", PDF_BYTES),
    )
    return [
        reverse("deals:contract_pdf", args=[deal.pk]),
        reverse("deals:proof_file", args=[deal.pk, proof.pk]),
    ]


@pytest.mark.parametrize("who", ["buyer_user", "buyer_staff", "supplier_user", "supplier_staff", "operator"])
def test_the_parties_and_operators_fetch_the_files(client, parties, files, who):
    client.force_login(parties[who])
    for url in files:
        assert client.get(url).status_code == 200, url


@pytest.mark.parametrize("who", ["third_user", "no_company", "risk_officer", "bank_risk_officer", "editor"])
def test_everyone_else_gets_the_same_404_as_for_a_missing_file(client, parties, files, who):
    client.force_login(parties[who])
    missing = [
        reverse("deals:contract_pdf", args=[999999]),
        reverse("deals:proof_file", args=[999999, 999999]),
    ]
    for url in files + missing:
        response = client.get(url)
        assert response.status_code == 404, (who, url)


def test_an_anonymous_visitor_is_sent_to_sign_in(client, files):
    for url in files:
        assert client.get(url).status_code == 302


def test_posts_by_outsiders_change_nothing(client, parties):
    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    for who in ("third_user", "no_company", "bank_risk_officer"):
        client.force_login(parties[who])
        assert client.post(reverse("deals:contract_issue", args=[deal.pk])).status_code == 404
    for who in ("operator", "risk_officer"):
        client.force_login(parties[who])
        assert client.post(reverse("deals:contract_issue", args=[deal.pk])).status_code == 403
    assert not Contract.objects.exists()
    contract = contracts.issue_contract(deal=deal, by_user=parties["buyer_user"])
    client.force_login(parties["third_user"])
    assert (
        client.post(
            reverse("deals:contract_accept", args=[deal.pk]),
            {"name": "x", "title": "y", "sha256": contract.sha256},
        ).status_code
        == 404
    )
    assert not contract.acceptances.exists()


def test_the_offer_preview_says_why_terms_would_be_refused(rf, parties):
    from django.template import Context, Template

    rate(parties["buyer"], "BB")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"])
    template = Template("{% load deal_orders %}{% terms_check deal terms amount 'USD' days %}")

    def render(user, terms, days=None):
        request = rf.get("/")
        request.user = user
        return template.render(
            Context(
                {"request": request, "deal": deal, "terms": terms, "amount": Decimal("30000"), "days": days}
            )
        )

    page = render(parties["buyer_user"], "open_account", 60)
    assert "does not allow these terms" in page and "needs grade A" in page
    supplier_page = render(parties["supplier_user"], "open_account", 60)
    assert "does not allow these terms" in supplier_page and "needs grade A" not in supplier_page
    assert "ask for secured terms" in supplier_page
    assert "allows these terms" in render(parties["supplier_user"], "prepayment")


def test_the_orders_reasons_read_in_the_readers_language(client, parties):
    """An order placed by someone reading English still explains itself in Chinese to a Chinese reader."""
    from django.utils import translation

    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    with translation.override("en"):
        order = orders.place_order(deal=deal, by_user=parties["buyer_user"])
    assert set(order.decision["reasons_by_language"]) == {"en", "zh-hans"}
    assert order.decision["reasons_by_language"]["en"] == order.decision["reasons"]
    client.force_login(parties["buyer_user"])
    english = client.get(deal.get_absolute_url()).content.decode()
    assert "is allowed for A" in english
    client.cookies["django_language"] = "zh-hans"
    chinese = client.get(deal.get_absolute_url()).content.decode()
    assert "is allowed for A" not in chinese
    assert all(reason in chinese for reason in order.decision["reasons_by_language"]["zh-hans"])


def test_the_milestone_table_shows_the_status_by_the_due_date(client, parties):
    """The stored status waits for the daily check; the deal page says what the due date says today."""
    import datetime as dt

    from marketplace.deals.models import Milestone

    rate(parties["buyer"], "A")
    deal = agreed_deal(buyer=parties["buyer"], supplier=parties["supplier"], payment_terms="deposit_balance")
    both_accept(deal, parties)
    orders.place_order(deal=deal, by_user=parties["buyer_user"])
    today = timezone.localdate()
    Milestone.objects.filter(deal=deal, seq=1).update(due_date=today - dt.timedelta(days=1))
    Milestone.objects.filter(deal=deal, seq=2).update(due_date=today - dt.timedelta(days=3))
    assert set(deal.milestones.values_list("status", flat=True)) == {MilestoneStatus.SCHEDULED}
    client.force_login(parties["supplier_user"])
    page = client.get(deal.get_absolute_url()).content.decode()
    assert "Overdue · 1 day late" in page and "Overdue · 3 days late" in page
    assert "Scheduled" not in page
    # Paid late: it says paid and when, not overdue.
    milestones.confirm_payment(
        milestone=deal.milestones.get(seq=1), by_user=parties["supplier_user"], paid_on=today
    )
    page = client.get(deal.get_absolute_url()).content.decode()
    assert f"Paid · {today:%Y-%m-%d}" in page and "Overdue · 1 day late" not in page
    assert "Overdue · 3 days late" in page
    page = client.get(deal.get_absolute_url(), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "逾期 · 逾期 3 天" in page
    # Due within the week: "Due", no days.
    Milestone.objects.filter(deal=deal, seq=2).update(due_date=today + dt.timedelta(days=2))
    page = client.get(deal.get_absolute_url()).content.decode()
    assert '<td class="milestone-status">Due</td>' in page and "days late" not in page
