"""POST /payments/stripe/webhook/: signed events built with the stripe library itself — duplicated, out of
order, stale, badly signed — and the reconcile command."""

import datetime as dt
import json
import time
from decimal import Decimal

import pytest
import stripe
from django.core.management import call_command
from django.test import TestCase
from django.urls import reverse

from marketplace.core.models import AuditEvent
from marketplace.deals.models import MilestoneStatus
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import AttemptState, PaymentAttempt, WebhookEvent
from tests.marketplace.payments.conftest import WEBHOOK_SECRET, onboard, pay

pytestmark = pytest.mark.django_db
URL = reverse("payments:stripe_webhook")


def event(obj: dict, kind: str, event_id: str, created: int | None = None) -> dict:
    return {
        "id": event_id,
        "object": "event",
        "type": kind,
        "created": created or int(time.time()),
        "data": {"object": obj},
        "api_version": "2025-01-01",
        "livemode": False,
    }


def post(client, body: dict, *, secret=WEBHOOK_SECRET, timestamp=None):
    """POST a signed event; the commit hooks run as after a real request (the stored event's task is queued,
    and the test settings' immediate backend runs it)."""
    payload = json.dumps(body)
    header = stripe.WebhookSignature.generate_signature_header(payload, secret, timestamp=timestamp)
    with TestCase.captureOnCommitCallbacks(execute=True):
        return client.post(URL, data=payload, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)


@pytest.fixture
def held(stripe_server, ordered, parties):
    """The balance authorised on the card, and two snapshots of its intent: before and after capture."""
    attempt = pay(ordered.milestones.get(seq=2), parties["buyer_user"])
    before = gateway.retrieve_intent(attempt.provider_id)
    gateway.capture_intent(attempt.provider_id, key="dashboard-capture")
    after = gateway.retrieve_intent(attempt.provider_id)
    return attempt, before, after


def test_duplicate_and_reordered_events_converge_on_the_furthest_state(client, held):
    attempt, before, after = held
    succeeded = event(after, "payment_intent.succeeded", "evt_2")
    capturable = event(before, "payment_intent.amount_capturable_updated", "evt_1")
    assert post(client, succeeded).content == b"ok"  # the later event arrives first
    assert post(client, succeeded).content == b"duplicate"
    assert post(client, capturable).status_code == 200  # the earlier one, late: it moves nothing back
    assert post(client, capturable).content == b"duplicate"
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED and attempt.captured_amount == Decimal("87500.00")
    assert WebhookEvent.objects.count() == 2
    assert sorted(WebhookEvent.objects.values_list("event_id", flat=True)) == ["evt_1", "evt_2"]
    assert attempt.milestone.status == MilestoneStatus.PAID
    assert attempt.deal.events.filter(action="payment_confirmed").count() == 1


def test_the_same_events_in_the_other_order_give_the_same_state(client, held):
    attempt, before, after = held
    post(client, event(before, "payment_intent.amount_capturable_updated", "evt_1"))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.AUTHORIZED
    post(client, event(after, "payment_intent.succeeded", "evt_2"))
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED and attempt.captured_amount == Decimal("87500.00")


def test_a_bad_signature_is_refused_and_nothing_is_written(client, held):
    attempt, _before, after = held
    response = post(client, event(after, "payment_intent.succeeded", "evt_9"), secret="whsec_wrong")
    assert response.status_code == 400
    no_header = client.post(URL, data=json.dumps(event(after, "x", "evt_8")), content_type="application/json")
    assert no_header.status_code == 400
    assert not WebhookEvent.objects.exists()
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.AUTHORIZED


def test_a_stale_event_outside_the_tolerance_is_refused(client, held):
    attempt, _before, after = held
    stale = int(time.time()) - 301
    response = post(client, event(after, "payment_intent.succeeded", "evt_7", created=stale), timestamp=stale)
    assert response.status_code == 400 and not WebhookEvent.objects.exists()
    fresh = int(time.time()) - 250
    assert post(client, event(after, "payment_intent.succeeded", "evt_7"), timestamp=fresh).status_code == 200


def test_a_tampered_body_is_refused(client, held):
    _attempt, _before, after = held
    payload = json.dumps(event(after, "payment_intent.succeeded", "evt_6"))
    header = stripe.WebhookSignature.generate_signature_header(payload, WEBHOOK_SECRET)
    tampered = payload.replace("8750000", "1")
    response = client.post(URL, data=tampered, content_type="application/json", HTTP_STRIPE_SIGNATURE=header)
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_only_post(client, stripe_server):
    assert client.get(URL).status_code == 405


def test_reconcile_command_repairs_a_missed_event(held, capsys):
    attempt, _before, _after = held  # captured at the provider; the webhook never came
    call_command("reconcile_payments")
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED
    assert "1 repaired" in capsys.readouterr().out
    call_command("reconcile_payments")
    assert "0 repaired" in capsys.readouterr().out
    assert PaymentAttempt.objects.count() == 1


def test_an_account_updated_event_makes_the_payout_account_ready_and_releases_held_money(
    client, stripe_server, ordered, parties
):
    attempt = pay(ordered.milestones.get(seq=1), parties["buyer_user"])
    assert attempt.state == AttemptState.CAPTURED
    snapshot = gateway.retrieve_account(onboard(parties).provider_account_id)
    assert post(client, event(snapshot, "account.updated", "evt_acct")).status_code == 200
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.RELEASED and attempt.released_amount == Decimal("37500.00")


def test_without_a_configured_secret_nothing_is_accepted(client, held, settings):
    _attempt, _before, after = held
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = post(client, event(after, "payment_intent.succeeded", "evt_5"), secret="")
    assert response.status_code == 400 and not WebhookEvent.objects.exists()


def test_the_endpoint_answers_once_stored_and_a_provider_outage_leaves_the_event_for_reconcile(
    client, stripe_server, ordered, parties, settings, capsys
):
    """Applying an account.updated event releases held money, which needs the provider. With the provider
    down the endpoint still answers 200 (the event is stored), nothing moves and the event stays unapplied;
    once the provider answers, reconcile applies it, exactly once, and a redelivery is a duplicate."""
    attempt = pay(ordered.milestones.get(seq=1), parties["buyer_user"])
    snapshot = gateway.retrieve_account(onboard(parties).provider_account_id)
    body = event(snapshot, "account.updated", "evt_outage")

    settings.STRIPE_API_BASE = "http://127.0.0.1:9"  # nothing listens: every call fails to connect
    assert post(client, body).content == b"ok"
    stored = WebhookEvent.objects.get(event_id="evt_outage")
    attempt.refresh_from_db()
    assert stored.processed_at is None and attempt.state == AttemptState.CAPTURED

    settings.STRIPE_API_BASE = stripe_server.url
    WebhookEvent.objects.filter(pk=stored.pk).update(received_at=stored.received_at - dt.timedelta(minutes=2))
    call_command("reconcile_payments")
    assert "1 stored webhook events applied" in capsys.readouterr().out
    attempt.refresh_from_db()
    stored.refresh_from_db()
    assert attempt.state == AttemptState.RELEASED and attempt.released_amount == Decimal("37500.00")
    assert stored.processed_at is not None
    call_command("reconcile_payments")
    assert "0 stored webhook events applied" in capsys.readouterr().out
    assert post(client, body).content == b"duplicate"  # Stripe's redelivery changes nothing
    assert WebhookEvent.objects.count() == 1
    assert (
        AuditEvent.objects.filter(action="payments.attempt.release", object_id=str(attempt.pk)).count() == 1
    )
