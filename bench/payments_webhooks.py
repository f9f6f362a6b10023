"""Bench: the Stripe webhook endpoint — N signed events, 10 % duplicates, random order (issue 16, Figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_pay_bench .venv/bin/python bench/payments_webhooks.py \
        --events 2000 --attempts 200

Migrates the database it is given, then creates --attempts card attempts (authorised, on agreed deals built
with the test factories, so applying an event calls no provider) and for each a PaymentIntent's two
snapshots: `requires_capture` and `succeeded`. It builds --events events over them (each snapshot one event
id), adds --duplicates of them again (default 10 %), shuffles them (seed 0) and POSTs each to
/payments/stripe/webhook/ with a `Stripe-Signature` made by the stripe library, in process with Django's
test Client, one at a time (no HTTP server, no concurrency: the lead's load runs use gunicorn + wrk).

Prints the events/s reached sequentially, median and p95 latency, and checks: every unique event stored
once, every duplicate answered "duplicate", no attempt captured twice (one `payments.attempt.capture`
audit event at most per attempt). Bounded: at most --events + duplicates requests, then it stops.
"""

import argparse
import json
import os
import random
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SECRET = "whsec_bench"  # noqa: S105 - a signing secret of the bench only


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ.setdefault("STRIPE_WEBHOOK_SECRET", SECRET)
    os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_bench")
    import django

    django.setup()


def intent(attempt, status: str) -> dict:
    minor = attempt.amount_minor
    return {
        "id": attempt.provider_id,
        "object": "payment_intent",
        "amount": minor,
        "amount_received": minor if status == "succeeded" else 0,
        "currency": attempt.currency.lower(),
        "status": status,
        "capture_method": "manual",
        "metadata": {"tf_attempt": attempt.idempotency_key},
        "latest_charge": {"id": f"ch_{attempt.provider_id[3:]}", "captured": status == "succeeded"},
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=2000)
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--duplicates", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    setup_django()

    import stripe
    from django.conf import settings
    from django.core.management import call_command
    from django.test import Client
    from django.utils import timezone

    from marketplace.core.models import AuditEvent
    from marketplace.payments.models import AttemptState, PaymentAttempt, WebhookEvent
    from tests.marketplace.payments.factories import PaymentAttemptFactory

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    call_command("migrate", verbosity=0)
    run = f"{int(time.time())}"
    attempts = [
        PaymentAttemptFactory(
            provider="stripe",
            state=AttemptState.AUTHORIZED,
            provider_id=f"pi_bench{run}x{i}",
            amount_minor=1250000,
            authorized_at=timezone.now(),
            capture_before=timezone.now() + timezone.timedelta(days=7),
        )
        for i in range(args.attempts)
    ]
    snapshots = [(a, s) for a in attempts for s in ("requires_capture", "succeeded")]
    rng = random.Random(args.seed)  # noqa: S311 - a shuffle, not a secret
    events = []
    for n in range(args.events):
        attempt, status = snapshots[n % len(snapshots)]
        kind = (
            "payment_intent.succeeded"
            if status == "succeeded"
            else "payment_intent.amount_capturable_updated"
        )
        events.append(
            {
                "id": f"evt_bench{run}x{n}",
                "object": "event",
                "type": kind,
                "created": int(time.time()),
                "data": {"object": intent(attempt, status)},
            }
        )
    duplicates = rng.sample(events, int(len(events) * args.duplicates))
    stream = events + duplicates
    rng.shuffle(stream)

    client = Client()
    latencies, answers = [], {"ok": 0, "duplicate": 0}
    started = time.perf_counter()
    for body in stream:
        payload = json.dumps(body)
        header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
        t0 = time.perf_counter()
        response = client.post(
            "/payments/stripe/webhook/",
            data=payload,
            content_type="application/json",
            HTTP_STRIPE_SIGNATURE=header,
        )
        latencies.append(time.perf_counter() - t0)
        assert response.status_code == 200, response.status_code
        answers[response.content.decode()] += 1
    elapsed = time.perf_counter() - started

    ids = [a.pk for a in attempts]
    stored = WebhookEvent.objects.filter(event_id__startswith=f"evt_bench{run}x").count()
    captures = AuditEvent.objects.filter(
        action="payments.attempt.capture", object_id__in=[str(i) for i in ids]
    )
    per_attempt = {}
    for object_id in captures.values_list("object_id", flat=True):
        per_attempt[object_id] = per_attempt.get(object_id, 0) + 1
    doubles = sum(1 for count in per_attempt.values() if count > 1)
    captured = PaymentAttempt.objects.filter(pk__in=ids, state=AttemptState.CAPTURED).count()
    q = statistics.quantiles(latencies, n=100)
    print(
        f"{len(stream)} requests ({len(duplicates)} duplicates) in {elapsed:.1f} s: "
        f"{len(stream) / elapsed:.0f} events/s sequential; median {statistics.median(latencies) * 1000:.1f} ms, "
        f"p95 {q[94] * 1000:.1f} ms"
    )
    print(
        f"stored {stored} of {len(events)} unique; answered ok {answers['ok']}, duplicate {answers['duplicate']}; "
        f"attempts captured {captured} of {len(attempts)}; double captures {doubles}"
    )
    if stored != len(events) or answers["duplicate"] != len(duplicates) or doubles:
        sys.exit("FAILED: double or missing records")


if __name__ == "__main__":
    main()
