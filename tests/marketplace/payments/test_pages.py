"""The payment pages: the buyer pays from the deal page, errors at the field, the 3-D Secure step, who sees
what (another deal's buyer or supplier gets a 404), the supplier's payout account, operators' list, Chinese."""

import pytest
from django.urls import reverse
from django.utils import translation

from marketplace.payments.models import AttemptState, PaymentAttempt
from tests.marketplace.payments.conftest import CARD, CARD_3DS, CARD_DECLINED, complete_onboarding

pytestmark = pytest.mark.django_db


def milestone_url(deal, seq=1):
    return reverse("payments:milestone_payment", kwargs={"pk": deal.pk, "seq": seq})


def start_card(client, deal, seq=1):
    response = client.post(milestone_url(deal, seq), {"method": "stripe"})
    assert response.status_code == 302
    return PaymentAttempt.objects.get(milestone__deal=deal, milestone__seq=seq, state=AttemptState.CREATED)


def card_url(attempt):
    return reverse("payments:attempt_card", kwargs={"pk": attempt.pk})


def test_the_buyer_sees_pay_by_card_on_the_deal_page_and_the_supplier_does_not(
    client, stripe_server, ordered, parties
):
    client.force_login(parties["buyer_user"])
    page = client.get(ordered.get_absolute_url()).content.decode()
    assert "Pay by card or other method" in page and milestone_url(ordered) in page
    client.force_login(parties["supplier_user"])
    page = client.get(ordered.get_absolute_url()).content.decode()
    assert "Pay by card or other method" not in page


def test_the_buyer_pays_a_deposit_by_card_and_the_supplier_sees_it_held(
    client, stripe_server, ordered, parties
):
    client.force_login(parties["buyer_user"])
    page = client.get(milestone_url(ordered)).content.decode()
    assert "USD 37500.00" in page and "Card (protected payment)" in page and "Bank transfer (T/T)" in page
    attempt = start_card(client, ordered)
    page = client.get(reverse("payments:attempt_detail", kwargs={"pk": attempt.pk})).content.decode()
    assert "Card number" in page and "Test mode" in page and "js.stripe.com" not in page
    response = client.post(card_url(attempt), CARD)
    assert response.status_code == 302
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED
    client.force_login(parties["supplier_user"])
    page = client.get(reverse("payments:attempt_detail", kwargs={"pk": attempt.pk})).content.decode()
    assert "Held by TrustFair" in page and "Card number" not in page
    deal_page = client.get(ordered.get_absolute_url()).content.decode()
    assert "Held by TrustFair" in deal_page


def test_a_wrong_card_number_is_shown_at_its_field(client, stripe_server, ordered, parties):
    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    response = client.post(card_url(attempt), {**CARD, "number": "4242"})
    assert response.status_code == 400
    assert response.context["card_form"].errors["number"] == ["Enter the 16 digits of the card number."]
    assert PaymentAttempt.objects.get().state == AttemptState.CREATED  # nothing reached the provider


def test_a_declined_card_is_shown_at_the_card_number_and_a_new_card_may_be_tried(
    client, stripe_server, ordered, parties
):
    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    response = client.post(card_url(attempt), CARD_DECLINED)
    assert response.status_code == 400
    assert "declined" in " ".join(response.context["card_form"].errors["number"])
    fresh = response.context["attempt"]
    assert fresh.number == 2 and fresh.state == AttemptState.CREATED
    assert client.post(card_url(fresh), CARD).status_code == 302
    assert list(PaymentAttempt.objects.values_list("state", flat=True)) == ["failed", "captured"]


def test_the_3d_secure_step(client, stripe_server, ordered, parties):
    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    client.post(card_url(attempt), CARD_3DS)
    page = client.get(reverse("payments:attempt_detail", kwargs={"pk": attempt.pk})).content.decode()
    assert "Verify the payment (3-D Secure)" in page
    client.post(reverse("payments:attempt_verify", kwargs={"pk": attempt.pk}), {"result": "pass"})
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED


@pytest.mark.parametrize("who", ["third_user", "no_company", "bank_risk_officer"])
def test_nobody_outside_the_deal_sees_its_payments(client, stripe_server, ordered, parties, who):
    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    client.force_login(parties[who])
    assert client.get(milestone_url(ordered)).status_code == 404
    assert client.get(reverse("payments:attempt_detail", kwargs={"pk": attempt.pk})).status_code == 404
    assert client.post(card_url(attempt), CARD).status_code == 404
    assert client.post(reverse("payments:attempt_cancel", kwargs={"pk": attempt.pk})).status_code == 404
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CREATED


def test_the_supplier_of_another_deal_gets_404_and_the_supplier_cannot_pay(
    client, stripe_server, ordered, parties
):
    from tests.marketplace.companies.factories import CompanyFactory, MembershipFactory

    other_supplier = MembershipFactory(company=CompanyFactory(kind="supplier")).user
    client.force_login(other_supplier)
    assert client.get(milestone_url(ordered)).status_code == 404
    client.force_login(parties["supplier_user"])
    assert client.post(milestone_url(ordered), {"method": "stripe"}).status_code == 403
    assert not PaymentAttempt.objects.exists()


def test_anonymous_is_sent_to_sign_in(client, stripe_server, ordered):
    response = client.get(milestone_url(ordered))
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_supplier_sets_up_its_payout_account_from_the_portal(client, stripe_server, ordered, parties):
    client.force_login(parties["supplier_user"])
    assert "Set up payouts" in client.get(reverse("payments:payout_account")).content.decode()
    response = client.post(reverse("payments:payout_onboard"))
    assert response.status_code == 302 and "/_config/connect/onboard/acct_" in response["Location"]
    complete_onboarding(response["Location"])
    response = client.get(reverse("payments:payout_return"), follow=True)
    assert "Ready: released payments are transferred to it." in response.content.decode()
    client.force_login(parties["buyer_user"])
    assert client.get(reverse("payments:payout_account")).status_code == 404  # a buyer has no payouts


def test_operators_see_every_attempt_and_others_do_not(client, stripe_server, ordered, parties):
    client.force_login(parties["buyer_user"])
    start_card(client, ordered)
    client.force_login(parties["operator"])
    page = client.get(reverse("payments:operator_attempts")).content.decode()
    assert ordered.number in page
    client.force_login(parties["buyer_user"])
    assert client.get(reverse("payments:operator_attempts")).status_code == 404


def test_the_payment_page_in_chinese(client, stripe_server, ordered, parties):
    client.force_login(parties["buyer_user"])
    try:
        page = client.get(milestone_url(ordered), HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    finally:
        translation.activate("en")
    assert "银行电汇" in page and "继续付款" in page


def test_an_operator_refunds_from_the_attempt_page_and_an_over_refund_is_refused_at_the_field(
    client, stripe_server, ordered, parties
):
    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    client.post(card_url(attempt), CARD)
    refund_url = reverse("payments:attempt_refund", kwargs={"pk": attempt.pk})
    client.force_login(parties["supplier_user"])
    assert client.post(refund_url, {"amount": "10.00"}).status_code == 403
    client.force_login(parties["operator"])
    page = client.get(reverse("payments:attempt_detail", kwargs={"pk": attempt.pk})).content.decode()
    assert "At most USD 37500.00 can still be refunded." in page
    response = client.post(refund_url, {"amount": "37500.01", "reason": "test"})
    assert response.status_code == 400
    assert response.context["refund_form"].errors["amount"] == ["At most 37500.00 USD can still be refunded."]
    assert client.post(refund_url, {"amount": "500.00", "reason": "two units short"}).status_code == 302
    attempt.refresh_from_db()
    assert attempt.refunded_amount == 500


def test_a_full_refund_un_pays_the_milestone_and_a_partial_one_shows_what_is_left(
    client, stripe_server, ordered, parties
):
    from marketplace.deals.models import MilestoneStatus
    from marketplace.payments import selectors

    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)
    client.post(card_url(attempt), CARD)
    milestone = ordered.milestones.get(seq=1)
    assert milestone.status == MilestoneStatus.PAID
    refund_url = reverse("payments:attempt_refund", kwargs={"pk": attempt.pk})
    client.force_login(parties["operator"])
    assert client.post(refund_url, {"amount": "7500.00", "reason": "short"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status == MilestoneStatus.PAID  # a partial refund leaves it paid
    client.force_login(parties["buyer_user"])
    page = client.get(milestone_url(ordered)).content.decode()
    assert 'id="milestone-refunded">USD 7500.00' in page and 'id="milestone-kept">USD 30000.00' in page
    client.force_login(parties["operator"])
    assert client.post(refund_url, {"amount": "30000.00", "reason": "cancelled"}).status_code == 302
    milestone.refresh_from_db()
    assert milestone.status != MilestoneStatus.PAID and milestone.paid_on is None
    ordered.refresh_from_db()
    milestone.deal = ordered
    assert selectors.may_start(milestone)  # the buyer owes it again and may pay again
    client.force_login(parties["buyer_user"])
    page = client.get(milestone_url(ordered)).content.decode()
    assert 'id="milestone-kept">USD 0.00' in page and "owed again" in page
    assert "Continue to payment" in page


def test_an_overdue_milestone_says_overdue_with_its_days(client, stripe_server, ordered, parties):
    import datetime as dt

    from django.utils import timezone

    milestone = ordered.milestones.get(seq=2)
    type(milestone).objects.filter(pk=milestone.pk).update(
        due_date=timezone.localdate() - dt.timedelta(days=3)
    )  # the daily check has not run yet: the stored status still says scheduled
    client.force_login(parties["buyer_user"])
    page = client.get(milestone_url(ordered, 2)).content.decode()
    assert "Overdue · 3 days late" in page and ">Scheduled<" not in page


def test_without_stripe_keys_the_payment_page_promises_no_card_protection(client, ordered, parties, settings):
    settings.STRIPE_SECRET_KEY = ""
    client.force_login(parties["buyer_user"])
    page = client.get(milestone_url(ordered)).content.decode()
    assert "Protected by card" not in page and "Card (protected payment)" not in page
    assert 'id="card-unavailable"' in page and "Bank transfer (T/T)" in page
    client.force_login(parties["supplier_user"])
    page = client.get(reverse("payments:payout_account")).content.decode()
    assert "Card payments are not available on this site" in page and "Set up payouts" not in page


def test_the_payout_page_shows_each_onboarding_state_with_its_button(client, stripe_server, ordered, parties):
    from marketplace.payments.models import ConnectedAccount

    client.force_login(parties["supplier_user"])
    page = client.get(reverse("payments:payout_account")).content.decode()
    assert 'data-state="not-started"' in page and 'id="payout-setup"' in page and "Set up payouts" in page
    client.post(reverse("payments:payout_onboard"))
    page = client.get(reverse("payments:payout_account")).content.decode()
    assert 'data-state="pending"' in page and "Finish setting up payouts" in page
    ConnectedAccount.objects.filter(company=parties["supplier"]).update(
        details_submitted=True, payouts_enabled=True, transfers_active=True
    )
    page = client.get(reverse("payments:payout_account")).content.decode()
    assert 'data-state="enabled"' in page and 'id="payout-setup"' not in page


def test_a_card_service_outage_says_precisely_what_happened(
    client, stripe_server, ordered, parties, monkeypatch
):
    from marketplace.payments import services as payment_services
    from marketplace.payments import stripe_gateway

    client.force_login(parties["buyer_user"])
    attempt = start_card(client, ordered)

    def down(**kwargs):
        raise stripe_gateway.StripeError("connection reset")

    monkeypatch.setattr(payment_services, "pay_by_card", down)
    response = client.post(card_url(attempt), CARD)
    text = " ".join(response.context["card_form"].non_field_errors())
    assert "Nothing was charged twice" not in text
    assert "cannot tell yet whether your card was charged" in text
