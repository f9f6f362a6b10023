"""Bench: the Stripe webhook endpoint — signed events at a steady rate, 10 % duplicates, random order (issue 16).

    createdb -h 127.0.0.1 -U postgres tf_bench_hook
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_bench_hook .venv/bin/python bench/payments_webhooks.py \
        --rate 200 --seconds 60 --clients 20

Migrates the database it is given, then creates --attempts card attempts (authorised, on agreed deals built
with the test factories, so applying an event calls no provider) and for each a PaymentIntent's two
snapshots: `requires_capture` and `succeeded`. It builds rate × seconds requests: unique events over those
snapshots (each its own event id) plus --duplicates of them sent again (default 10 % of the requests),
shuffled together (seed 0: a `succeeded` often comes before its `requires_capture`, and a duplicate before
its original).

--http (default): gunicorn (-w --workers, DEBUG off, 127.0.0.1) and --clients sender threads that keep to
the schedule (request k leaves at start + k / rate), each POST on a new connection, signed with the stripe
library at the moment it leaves (`Stripe-Signature`, the endpoint's 300 s tolerance). A request that does
not get a 200 is sent again after the run (as Stripe retries). --no-http posts them one at a time in process
with Django's test Client instead.

The endpoint answers once the event is stored; `apply_webhook_event` tasks apply them. --http runs
--appliers `manage.py db_worker` processes beside gunicorn during the run (the queue the site uses without
Redis); after the last request it waits until every stored event is applied and prints how long the
applying ran past the sending (the backlog). --no-http applies them after the run with one worker.

Prints the rate reached, how late the senders left against the schedule (p95 lag: the rate was sustained
only if it stays small), median/p95/p99 of a request, the load average and the other processes using CPU;
and checks: every unique event stored once, every duplicate answered "duplicate", no attempt captured twice
(at most one `payments.attempt.capture` audit event per attempt), every event applied. Bounded: rate × seconds
requests.
"""

import argparse
import http.client
import json
import os
import random
import statistics
import sys
import threading
import time
from decimal import Decimal
from pathlib import Path

import loadrun

ROOT = Path(__file__).resolve().parent.parent
WORKER_LOG = ROOT / "var" / "bench-webhook-workers.log"
SECRET = "whsec_bench"  # noqa: S105 - a signing secret of the bench only


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    os.environ["STRIPE_WEBHOOK_SECRET"] = SECRET  # the server checks with the key the events are signed with
    os.environ.setdefault("STRIPE_SECRET_KEY", "sk_test_bench")
    os.environ.update(
        DEBUG="false", SECRET_KEY="bench", ALLOWED_HOSTS="127.0.0.1,testserver", SECURE_SSL_REDIRECT="false",  # noqa: S106
        SITE_URL="https://trustfair.example",  # the task workers run the checks: a public address with DEBUG off
        LOG_LEVEL="WARNING",
    )  # fmt: skip
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


def in_process(stream):
    """One request at a time through Django's test Client."""
    import stripe
    from django.test import Client

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
    applier = start_worker()
    try:
        backlog = wait_until_applied(started=started + elapsed, workers=[applier])
    finally:
        loadrun.stop(applier)
    return latencies, answers, elapsed, [], 0, backlog


def start_worker():
    """One `manage.py db_worker` (the task queue without Redis), polling every 0.1 s; its log in var/."""
    import subprocess

    return subprocess.Popen(
        [sys.executable, "manage.py", "db_worker", "--interval", "0.1", "--no-startup-delay", "--no-reload"],
        cwd=ROOT, env=os.environ.copy(), stdout=WORKER_LOG.open("a"), stderr=subprocess.STDOUT,
    )  # fmt: skip


def wait_until_applied(*, started: float, workers, limit: float = 1800) -> float:
    """Seconds from `started` (the end of sending) until no stored event is left unapplied."""
    from django.db import connection

    from marketplace.payments.models import WebhookEvent

    deadline = time.perf_counter() + limit
    while WebhookEvent.objects.filter(processed_at__isnull=True).exists():
        if time.perf_counter() > deadline:
            sys.exit("FAILED: events still unapplied after the limit")
        if all(worker.poll() is not None for worker in workers):
            sys.exit("FAILED: the task workers exited (their log: var/bench-webhook-workers.log)")
        time.sleep(0.2)
    connection.close()
    return time.perf_counter() - started


def _post(port: int, payload: str) -> tuple[int, str]:
    import stripe

    header = stripe.WebhookSignature.generate_signature_header(payload, SECRET)
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        conn.request(
            "POST",
            "/payments/stripe/webhook/",
            body=payload.encode(),
            headers={"Content-Type": "application/json", "Stripe-Signature": header},
        )
        response = conn.getresponse()
        return response.status, response.read().decode()
    finally:
        conn.close()


def over_http(stream, args):
    """--clients threads keeping to the schedule, against gunicorn; non-200s sent again at the end."""
    from django.db import connection

    connection.close()
    payloads = [json.dumps(body) for body in stream]
    server, base = loadrun.start_gunicorn(args.workers)
    appliers = [start_worker() for _ in range(args.appliers)]
    port = int(base.rsplit(":", 1)[1])
    latencies, lag, failed = [], [], []
    answers = {"ok": 0, "duplicate": 0}
    lock = threading.Lock()
    counter = iter(range(len(payloads)))
    try:
        loadrun.drain(base)
        start = time.perf_counter() + 0.5

        def sender():
            while True:
                with lock:
                    k = next(counter, None)
                if k is None:
                    return
                due = start + k / args.rate
                pause = due - time.perf_counter()
                if pause > 0:
                    time.sleep(pause)
                t0 = time.perf_counter()
                try:
                    status, text = _post(port, payloads[k])
                except OSError:
                    status, text = 0, ""
                t1 = time.perf_counter()
                with lock:
                    latencies.append(t1 - t0)
                    lag.append(max(0.0, t0 - due))
                    if status == 200:
                        answers[text] += 1
                    else:
                        failed.append(k)

        threads = [threading.Thread(target=sender) for _ in range(args.clients)]
        for t in threads:
            t.start()
        for t in threads:
            t.join()
        elapsed = time.perf_counter() - start
        for k in failed:  # as Stripe retries a delivery that did not get a 2xx
            status, text = _post(port, payloads[k])
            assert status == 200, status
            answers[text] += 1
        backlog = wait_until_applied(started=start + elapsed, workers=appliers)
    finally:
        loadrun.stop(server)
        for worker in appliers:
            loadrun.stop(worker)
    return latencies, answers, elapsed, lag, len(failed), backlog


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rate", type=float, default=200.0, help="requests per second (default 200)")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--attempts", type=int, default=500)
    parser.add_argument("--clients", type=int, default=20, help="sender threads (default 20)")
    parser.add_argument("--workers", type=int, default=4, help="gunicorn workers (default 4)")
    parser.add_argument(
        "--appliers", type=int, default=1, help="task workers applying the events (default 1)"
    )
    parser.add_argument("--http", action=argparse.BooleanOptionalAction, default=True)
    parser.add_argument("--duplicates", type=float, default=0.10)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    setup_django()
    from marketplace.deals.models import Deal

    print(f"setting up {args.attempts} attempts", flush=True)

    from django.conf import settings
    from django.core.management import call_command
    from django.utils import timezone

    from marketplace.core.models import AuditEvent
    from marketplace.payments.models import AttemptState, PaymentAttempt, WebhookEvent
    from tests.marketplace.deals.factories import MilestoneFactory, OrderFactory
    from tests.marketplace.payments.factories import PaymentAttemptFactory

    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "testserver"]
    settings.STRIPE_WEBHOOK_SECRET = SECRET
    call_command("migrate", verbosity=0)
    if Deal.objects.exists():  # the factories' sequences start again at 0 in every process
        sys.exit("this database already holds deals: give each run a fresh one (dropdb/createdb)")
    print(f"before: {loadrun.uptime()}; other processes using CPU: {loadrun.others()}")
    run = f"{int(time.time())}"
    # One agreed deal and order (factories: contract, offer, parties) per 50 attempts, each attempt on its own
    # milestone of that order — building a whole deal per attempt costs seconds each on a loaded machine.
    orders = [OrderFactory() for _ in range(-(-args.attempts // 50))]
    # agreed_deal() leaves the deal at "agreed"; with its order placed it runs ("ordered"), so a capture
    # also confirms the milestone, as in production.
    Deal.objects.filter(pk__in=[o.deal_id for o in orders]).update(state="ordered")
    attempts = [
        PaymentAttemptFactory(
            milestone=MilestoneFactory(order=orders[i % len(orders)], amount=Decimal("12500.00")),
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
    total = int(args.rate * args.seconds)
    n_duplicates = int(total * args.duplicates)
    for n in range(total - n_duplicates):
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
    duplicates = rng.sample(events, n_duplicates)
    stream = events + duplicates
    rng.shuffle(stream)

    if args.http:
        latencies, answers, elapsed, lag, retried, backlog = over_http(stream, args)
    else:
        latencies, answers, elapsed, lag, retried, backlog = in_process(stream)
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
    how = f"{args.clients} senders, gunicorn -w {args.workers}" if args.http else "sequential, in process"
    print(
        f"{len(stream)} requests ({len(duplicates)} duplicates) in {elapsed:.1f} s: "
        f"{len(stream) / elapsed:.1f} requests/s ({how}; target {args.rate:g}/s); median "
        f"{statistics.median(latencies) * 1000:.1f} ms, p95 {q[94] * 1000:.1f} ms, p99 {q[98] * 1000:.1f} ms, "
        f"max {max(latencies) * 1000:.0f} ms"
    )
    if lag:
        lq = statistics.quantiles(lag, n=100)
        print(
            f"lag behind the schedule: median {statistics.median(lag) * 1000:.1f} ms, p95 {lq[94] * 1000:.1f} ms"
        )
    print(f"non-200 answers sent again after the run: {retried}")
    print(
        f"every stored event applied {backlog:.1f} s after the last request ({args.appliers} task worker(s))"
    )
    print(f"load: {loadrun.uptime()}; other processes using CPU: {loadrun.others()}")
    print(
        f"stored {stored} of {len(events)} unique; answered ok {answers['ok']}, duplicate {answers['duplicate']}; "
        f"attempts captured {captured} of {len(attempts)}; double captures {doubles}"
    )
    if stored != len(events) or answers["duplicate"] != len(duplicates) or doubles:
        # (a duplicate answered twice "ok" would mean two rows for one event id)
        sys.exit("FAILED: double or missing records")


if __name__ == "__main__":
    main()
