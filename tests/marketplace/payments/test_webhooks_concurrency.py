"""Stored webhook events applied by several task workers at once, on PostgreSQL with real connections.

The endpoint only stores an event; workers apply them, so one payment's events (and a redelivered event,
queued twice) can be applied at the same moment in any order. They end in one state: the card captured
once, the milestone paid once.
"""

import threading

import pytest
from django.db import close_old_connections, connection

from marketplace.core.models import AuditEvent
from marketplace.deals.models import MilestoneStatus
from marketplace.payments import services
from marketplace.payments import stripe_gateway as gateway
from marketplace.payments.models import AttemptState, WebhookEvent
from tests.marketplace.payments.conftest import pay
from tests.marketplace.payments.test_webhooks import event

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks need PostgreSQL"),
]


def stored(body: dict) -> WebhookEvent:
    """The row the endpoint writes (without queueing: here the test plays the workers)."""
    return WebhookEvent.objects.create(
        provider="stripe",
        event_id=body["id"],
        type=body["type"],
        object_id=body["data"]["object"]["id"],
        payload=body,
    )


def test_one_payments_events_applied_at_once_capture_and_confirm_once(stripe_server, ordered, parties):
    attempt = pay(ordered.milestones.get(seq=2), parties["buyer_user"])
    assert attempt.state == AttemptState.AUTHORIZED
    before = gateway.retrieve_intent(attempt.provider_id)
    gateway.capture_intent(attempt.provider_id, key="dashboard-capture")
    after = gateway.retrieve_intent(attempt.provider_id)
    capturable = stored(event(before, "payment_intent.amount_capturable_updated", "evt_c1"))
    succeeded = stored(event(after, "payment_intent.succeeded", "evt_c2"))
    # Each event queued three times (redeliveries), all eight jobs started together.
    jobs = [capturable.pk, succeeded.pk] * 4
    barrier = threading.Barrier(len(jobs))
    errors: list[str] = []

    def work(pk):
        try:
            barrier.wait()
            services.apply_event(pk)
        except Exception as exc:  # noqa: BLE001 - reported below, never swallowed
            errors.append(repr(exc))
        finally:
            close_old_connections()
            connection.close()

    threads = [threading.Thread(target=work, args=(pk,)) for pk in jobs]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert errors == []
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CAPTURED and attempt.captured_amount == attempt.amount
    assert (
        AuditEvent.objects.filter(action="payments.attempt.capture", object_id=str(attempt.pk)).count() == 1
    )
    assert attempt.milestone.status == MilestoneStatus.PAID
    assert attempt.deal.events.filter(action="payment_confirmed").count() == 1
    assert not WebhookEvent.objects.filter(processed_at__isnull=True).exists()
