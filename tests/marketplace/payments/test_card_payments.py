"""Card payments against localstripe: authorise, 3-D Secure, decline, capture in time, expiry, release,
refunds (partial, full, over-refund refused), the dispute hold, one open attempt per milestone, and a crash
between the provider's call and our write that leaves no double charge."""

import datetime as dt
from decimal import Decimal

import pytest
import stripe
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from marketplace.core.money import Money
from marketplace.deals import disputes, shipments
from marketplace.deals.models import Deal, DealState, MilestoneStatus
from marketplace.notifications.models import Notification
from marketplace.payments import services
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import AttemptState, PaymentAttempt, PaymentRefund
from tests.marketplace.payments.conftest import CARD, CARD_3DS, CARD_DECLINED, pay

pytestmark = pytest.mark.django_db


def deposit(deal):
    return deal.milestones.get(seq=1)


def balance(deal):
    return deal.milestones.get(seq=2)


def intents(server):
    client = gateway.client()
    return [pi.to_dict() for pi in client.v1.payment_intents.list({"limit": 100}).auto_paging_iter()]


def transfers(account_id):
    return gateway.client().v1.transfers.list({"destination": account_id}).data


def deliver(deal, parties, capture):
    Deal.objects.filter(pk=deal.pk).update(state=DealState.SHIPPED)
    deal.refresh_from_db()
    with capture(execute=True):
        shipments.confirm_delivery(
            deal=deal, by_user=parties["buyer_user"], delivered_on=timezone.localdate()
        )
    deal.refresh_from_db()


@pytest.mark.parametrize(
    ("amount", "currency", "minor"),
    [("12.34", "USD", 1234), ("1200", "JPY", 1200), ("50000", "KRW", 50000), ("1.234", "KWD", 1234)],
)
def test_amounts_go_to_stripe_in_the_currencys_minor_units(amount, currency, minor):
    assert gateway.to_minor(Money(Decimal(amount), currency)) == minor
    assert gateway.from_minor(minor, currency.lower()) == Money(Decimal(amount), currency)


def test_an_amount_below_the_minor_unit_is_refused_not_rounded():
    with pytest.raises(ValueError, match="minor units"):
        gateway.to_minor(Money(Decimal("1200.5"), "JPY"))


def test_a_deposit_is_authorised_captured_at_once_and_paid_through_the_deals_confirmation(
    stripe_server, ordered, parties, payout_account
):
    attempt = pay(deposit(ordered), parties["buyer_user"])
    assert attempt.state == AttemptState.RELEASED
    assert attempt.captured_amount == Decimal("37500.00") and attempt.released_amount == Decimal("37500.00")
    assert attempt.amount_minor == 3750000
    (intent,) = intents(stripe_server)
    assert intent["capture_method"] == "manual" and intent["status"] == "succeeded"
    assert intent["amount"] == 3750000 and intent["metadata"]["tf_attempt"] == attempt.idempotency_key
    (transfer,) = transfers(payout_account.provider_account_id)
    assert transfer.amount == 3750000 and transfer.source_transaction == attempt.charge_id
    milestone = deposit(ordered)
    assert milestone.status == MilestoneStatus.PAID and milestone.paid_on == timezone.localdate()
    event = ordered.events.get(action="payment_confirmed")
    assert event.data["provider"] == "stripe" and event.actor_user_id is None
    assert attempt.capture_before > attempt.authorized_at


def test_held_money_waits_for_the_suppliers_payout_account_then_is_released(stripe_server, ordered, parties):
    attempt = pay(deposit(ordered), parties["buyer_user"])
    assert attempt.state == AttemptState.CAPTURED  # held by TrustFair: no account to release to yet
    from tests.marketplace.payments.conftest import complete_onboarding

    link = services.onboarding_link(
        company=parties["supplier"],
        by_user=parties["supplier_user"],
        refresh_url="http://testserver/r/",
        return_url="http://testserver/ok/",
    )
    account = services.refresh_account(parties["supplier"].connected_account)
    assert not account.ready
    complete_onboarding(link)
    services.refresh_account(account)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.RELEASED and attempt.transfer_id


def test_the_balance_is_held_on_the_card_until_delivery_is_confirmed(
    stripe_server, ordered, parties, payout_account, django_capture_on_commit_callbacks
):
    attempt = pay(balance(ordered), parties["buyer_user"])
    assert attempt.state == AttemptState.AUTHORIZED
    assert balance(ordered).status != MilestoneStatus.PAID
    (intent,) = intents(stripe_server)
    assert intent["status"] == "requires_capture"
    deliver(ordered, parties, django_capture_on_commit_callbacks)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.RELEASED and attempt.captured_amount == Decimal("87500.00")
    assert balance(ordered).status == MilestoneStatus.PAID


def test_3d_secure_asks_for_verification_then_authorises(stripe_server, ordered, parties):
    attempt = pay(deposit(ordered), parties["buyer_user"], CARD_3DS)
    assert attempt.state == AttemptState.REQUIRES_ACTION and attempt.client_secret
    attempt = services.authenticate(attempt=attempt, by_user=parties["buyer_user"], success=True)
    assert attempt.state == AttemptState.CAPTURED
    assert deposit(ordered).status == MilestoneStatus.PAID


def test_a_failed_3d_secure_fails_the_attempt_and_a_new_one_may_start(stripe_server, ordered, parties):
    attempt = pay(deposit(ordered), parties["buyer_user"], CARD_3DS)
    attempt = services.authenticate(attempt=attempt, by_user=parties["buyer_user"], success=False)
    assert attempt.state == AttemptState.FAILED
    again = pay(deposit(ordered), parties["buyer_user"])
    assert again.number == 2 and again.state == AttemptState.CAPTURED


def test_a_declined_card_fails_the_attempt_and_pays_nothing(stripe_server, ordered, parties):
    with pytest.raises(services.PaymentRefused, match="declined"):
        pay(deposit(ordered), parties["buyer_user"], CARD_DECLINED)
    attempt = PaymentAttempt.objects.get()
    assert attempt.state == AttemptState.FAILED and attempt.failure_code == "card_declined"
    assert deposit(ordered).status != MilestoneStatus.PAID
    assert pay(deposit(ordered), parties["buyer_user"]).state == AttemptState.CAPTURED


def test_a_second_open_attempt_is_refused_by_the_service_and_by_the_database(stripe_server, ordered, parties):
    first = services.start(milestone=deposit(ordered), method="stripe", by_user=parties["buyer_user"])
    with pytest.raises(ValidationError, match="already under way"):
        services.start(milestone=deposit(ordered), method="tt", by_user=parties["buyer_user"])
    with pytest.raises(IntegrityError), transaction.atomic():
        PaymentAttempt.objects.create(
            milestone=first.milestone,
            deal=ordered,
            number=2,
            provider="tt",
            amount=first.amount,
            currency="USD",
            idempotency_key="other",
            state=AttemptState.PENDING,
        )
    services.cancel(attempt=first, by_user=parties["buyer_user"])
    assert services.start(milestone=deposit(ordered), method="tt", by_user=parties["buyer_user"]).number == 2


def test_only_the_buyer_pays_and_only_enabled_methods(stripe_server, ordered, parties, settings):
    for who in ("supplier_user", "third_user", "operator"):
        with pytest.raises(PermissionDenied):
            services.start(milestone=deposit(ordered), method="stripe", by_user=parties[who])
    settings.PAYMENTS_METHODS = ["tt"]
    with pytest.raises(ValidationError):
        services.start(milestone=deposit(ordered), method="stripe", by_user=parties["buyer_user"])
    assert not PaymentAttempt.objects.exists()


def test_capture_in_time_and_an_expired_authorisation_is_cancelled_and_both_sides_told(
    stripe_server, ordered, parties, django_capture_on_commit_callbacks
):
    attempt = pay(balance(ordered), parties["buyer_user"])
    late = attempt.capture_before + dt.timedelta(seconds=1)
    before = Notification.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        attempt = services.advance(attempt, now=late)
    assert attempt.state == AttemptState.EXPIRED
    (intent,) = intents(stripe_server)
    assert intent["status"] == "canceled"
    told = Notification.objects.filter(pk__gt=0).count() - before
    assert told >= 2  # the buyer's and the supplier's people
    assert balance(ordered).status != MilestoneStatus.PAID
    again = pay(balance(ordered), parties["buyer_user"])
    assert again.state == AttemptState.AUTHORIZED and again.number == 2


def test_partial_then_full_refund_and_never_more_than_captured(
    stripe_server, ordered, parties, payout_account
):
    attempt = pay(deposit(ordered), parties["buyer_user"])
    operator = parties["operator"]
    services.refund(
        attempt=attempt, amount=Money("7500.00", "USD"), by_user=operator, reason="short shipment"
    )
    attempt.refresh_from_db()
    assert attempt.refunded_amount == Decimal("7500.00") and attempt.state == AttemptState.RELEASED
    assert attempt.released_amount == Decimal("30000.00")  # reversed from the supplier first
    with pytest.raises(ValidationError, match="At most 30000"):
        services.refund(attempt=attempt, amount=Money("30000.01", "USD"), by_user=operator)
    assert PaymentRefund.objects.count() == 1
    provider_refunds = gateway.client().v1.refunds.list({"payment_intent": attempt.provider_id}).data
    assert [r.amount for r in provider_refunds] == [750000]
    services.refund(attempt=attempt, amount=Money("30000.00", "USD"), by_user=operator)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.REFUNDED and attempt.refunded_amount == attempt.captured_amount
    transfer = gateway.client().v1.transfers.retrieve(attempt.transfer_id)
    assert transfer.amount_reversed == 3750000
    with pytest.raises(ValidationError):
        services.refund(attempt=attempt, amount=Money("1.00", "USD"), by_user=operator)


def test_only_operators_refund(stripe_server, ordered, parties):
    attempt = pay(deposit(ordered), parties["buyer_user"])
    for who in ("buyer_user", "supplier_user", "third_user"):
        with pytest.raises(PermissionDenied):
            services.refund(attempt=attempt, amount=Money("1.00", "USD"), by_user=parties[who])


def test_a_dispute_holds_the_money_and_its_decision_refunds_part_and_releases_the_rest(
    stripe_server, ordered, parties, django_capture_on_commit_callbacks
):
    attempt = pay(balance(ordered), parties["buyer_user"])
    deliver(ordered, parties, django_capture_on_commit_callbacks)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED  # no payout account yet: held
    with django_capture_on_commit_callbacks(execute=True):
        disputes.open_dispute(
            deal=ordered, by_user=parties["buyer_user"], reason="quality", description="Cracked housings"
        )
    attempt.refresh_from_db()
    assert attempt.on_hold
    # The supplier onboards meanwhile: nothing is released while the dispute holds the money.
    from tests.marketplace.payments.conftest import onboard

    services.refresh_account(onboard(parties))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED and attempt.on_hold
    with django_capture_on_commit_callbacks(execute=True):
        disputes.resolve_dispute(
            deal=ordered,
            by_user=parties["operator"],
            resolution="partial",
            reason="Two units cracked",
            refund_amount="5000.00",
        )
    attempt.refresh_from_db()
    assert not attempt.on_hold and attempt.refunded_amount == Decimal("5000.00")
    assert attempt.state == AttemptState.RELEASED and attempt.released_amount == Decimal("82500.00")


def test_a_crash_between_the_provider_call_and_our_write_never_charges_twice(
    stripe_server, ordered, parties, monkeypatch
):
    attempt = services.start(milestone=deposit(ordered), method="stripe", by_user=parties["buyer_user"])
    real = services.apply_intent

    def crash(*args, **kwargs):
        raise RuntimeError("the process died after Stripe answered")

    monkeypatch.setattr(services, "apply_intent", crash)
    with pytest.raises(RuntimeError):
        services.pay_by_card(attempt=attempt, by_user=parties["buyer_user"], **CARD)
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CREATED and not attempt.provider_id
    assert len(intents(stripe_server)) == 1  # the card was authorised at the provider
    monkeypatch.setattr(services, "apply_intent", real)
    # The buyer retries the same attempt: the intent the lost answer created is found, not made again.
    attempt = services.pay_by_card(attempt=attempt, by_user=parties["buyer_user"], **CARD)
    assert attempt.state == AttemptState.CAPTURED
    services.reconcile()
    assert len(intents(stripe_server)) == 1
    assert PaymentAttempt.objects.get().captured_amount == Decimal("37500.00")


def test_reconcile_adopts_the_intent_a_crash_left_behind(stripe_server, ordered, parties, monkeypatch):
    attempt = services.start(milestone=balance(ordered), method="stripe", by_user=parties["buyer_user"])
    monkeypatch.setattr(services, "apply_intent", lambda *a, **k: (_ for _ in ()).throw(RuntimeError("died")))
    with pytest.raises(RuntimeError):
        services.pay_by_card(attempt=attempt, by_user=parties["buyer_user"], **CARD)
    monkeypatch.undo()
    counts = services.reconcile()
    attempt.refresh_from_db()
    assert counts["changed"] == 1 and attempt.state == AttemptState.AUTHORIZED and attempt.provider_id
    with pytest.raises(ValidationError):
        services.start(milestone=balance(ordered), method="stripe", by_user=parties["buyer_user"])
    assert len(intents(stripe_server)) == 1


def test_reconcile_repairs_a_capture_whose_webhook_was_lost(stripe_server, ordered, parties):
    attempt = pay(balance(ordered), parties["buyer_user"])
    gateway.capture_intent(attempt.provider_id, key="captured-elsewhere")  # e.g. from the dashboard
    services.reconcile()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED and balance(ordered).status == MilestoneStatus.PAID


def test_stripe_errors_are_the_clients(stripe_server):
    with pytest.raises(stripe.InvalidRequestError):
        gateway.retrieve_intent("pi_missing")


def test_a_full_refund_decision_gives_back_everything_taken_by_card_reversing_released_transfers(
    stripe_server, ordered, parties, payout_account, django_capture_on_commit_callbacks
):
    deposit_attempt = pay(deposit(ordered), parties["buyer_user"])
    balance_attempt = pay(balance(ordered), parties["buyer_user"])
    deliver(ordered, parties, django_capture_on_commit_callbacks)
    balance_attempt.refresh_from_db()
    assert {deposit_attempt.state, balance_attempt.state} == {AttemptState.RELEASED}
    with django_capture_on_commit_callbacks(execute=True):
        disputes.open_dispute(
            deal=ordered, by_user=parties["buyer_user"], reason="quality", description="Wrong model"
        )
    with django_capture_on_commit_callbacks(execute=True):
        disputes.resolve_dispute(
            deal=ordered, by_user=parties["operator"], resolution="refund", reason="Wrong model delivered"
        )
    for attempt in (deposit_attempt, balance_attempt):
        attempt.refresh_from_db()
        assert attempt.state == AttemptState.REFUNDED and attempt.refunded_amount == attempt.captured_amount
        assert attempt.released_amount == 0
        assert gateway.client().v1.transfers.retrieve(attempt.transfer_id).reversed
