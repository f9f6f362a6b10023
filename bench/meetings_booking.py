"""Bench: 200 concurrent booking attempts on 50 slots of one table — no double booking, and the time to settle.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_meet_bench .venv/bin/python bench/meetings_booking.py \
        --attempts 200 --slots 50 --workers 40

Creates the database's tables if needed (migrate), then one matchmaking table with --slots half-hour
slots and --attempts buyers (each of its own company) asking one supplier for a meeting at that table,
attempt i on slot i mod --slots (so 4 attempts per slot by default). The attempts run through
`meetings_services.request_meeting` — the same code as the page — on --workers threads, each with its
own database connection (PostgreSQL's max_connections bounds it), all released by one barrier.

Prints: won / refused (SlotTaken) / errors; the double bookings found afterwards by SQL (two active
bookings of one table or one person that overlap: must be 0); the time from the barrier's release until
the last attempt returned ("time to settle"), and per-attempt median and p95. Each run adds its own rows
(a fresh table and fresh companies), so runs can be repeated on the same database.
"""

import argparse
import os
import statistics
import sys
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


OVERLAPS = """
SELECT count(*) FROM matchmaking_booking a JOIN matchmaking_booking b
  ON a.id < b.id
 AND ((a.table_id IS NOT NULL AND a.table_id = b.table_id) OR (a.user_id IS NOT NULL AND a.user_id = b.user_id))
 AND a.start < b."end" AND b.start < a."end"
 AND (a.kind = 'confirmed' OR a.hold_until > now()) AND (b.kind = 'confirmed' OR b.hold_until > now())
"""


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--attempts", type=int, default=200)
    parser.add_argument("--slots", type=int, default=50)
    parser.add_argument("--workers", type=int, default=40)
    args = parser.parse_args()
    setup_django()
    import datetime as dt
    import uuid

    from django.core.management import call_command
    from django.db import close_old_connections, connection
    from django.utils import timezone

    from marketplace.companies.models import Company, CompanyKind, Industry, MemberRole, Membership, User
    from marketplace.matchmaking import meetings_services as svc
    from marketplace.matchmaking.models.meetings import Booking, MeetingMode, TableKind

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    run = uuid.uuid4().hex[:8]
    industry, _created = Industry.objects.get_or_create(
        slug="bench-meetings", defaults={"name": "Bench meetings"}
    )
    supplier = Company.objects.create(
        name=f"Bench supplier {run}",
        slug=f"bench-supplier-{run}",
        kind=CompanyKind.SUPPLIER,
        industry=industry,
    )
    table = svc.create_table(label=f"Bench table {run}", kind=TableKind.MATCHMAKING)
    buyers = []
    for n in range(args.attempts):
        company = Company.objects.create(
            name=f"Bench buyer {run} {n}",
            slug=f"bench-buyer-{run}-{n}",
            kind=CompanyKind.BUYER,
            industry=industry,
        )
        user = User.objects.create_user(email=f"bench-{run}-{n}@example.com", password=None)
        Membership.objects.create(user=user, company=company, role=MemberRole.OWNER)
        buyers.append(user)
    first = (timezone.now() + dt.timedelta(days=30)).replace(minute=0, second=0, microsecond=0)
    slots = [
        (first + dt.timedelta(minutes=30 * i), first + dt.timedelta(minutes=30 * (i + 1)))
        for i in range(args.slots)
    ]
    jobs = [(buyers[i], slots[i % args.slots]) for i in range(args.attempts)]
    outcomes: list[str] = []
    durations: list[float] = []
    lock = threading.Lock()
    barrier = threading.Barrier(args.workers + 1)
    queue = list(jobs)

    def worker():
        try:
            barrier.wait()
            while True:
                with lock:
                    if not queue:
                        return
                    user, slot = queue.pop()
                began = time.perf_counter()
                try:
                    svc.request_meeting(
                        by_user=user,
                        with_company=supplier,
                        subject="Bench",
                        mode=MeetingMode.IN_PERSON,
                        table=table,
                        slots=[slot],
                    )
                    result = "won"
                except svc.SlotTaken:
                    result = "refused"
                except Exception as exc:  # noqa: BLE001 - counted and printed
                    result = f"error: {exc!r}"
                with lock:
                    outcomes.append(result)
                    durations.append(time.perf_counter() - began)
        finally:
            close_old_connections()
            connection.close()

    print(load())
    threads = [threading.Thread(target=worker) for _ in range(args.workers)]
    for thread in threads:
        thread.start()
    barrier.wait()
    started = time.perf_counter()
    for thread in threads:
        thread.join()
    settle = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(OVERLAPS)
        (overlaps,) = cursor.fetchone()
    errors = [o for o in outcomes if o.startswith("error")]
    print(
        f"attempts {len(outcomes)} on {args.slots} slots, {args.workers} workers: won {outcomes.count('won')}, "
        f"refused {outcomes.count('refused')}, errors {len(errors)}"
    )
    if errors:
        print("  first error:", errors[0])
    print(f"table bookings {Booking.objects.filter(table=table).count()} (one per slot expected)")
    print(f"double bookings (overlapping active bookings of one table or person, whole database): {overlaps}")
    print(
        f"time to settle {settle * 1000:.0f} ms; per attempt median {statistics.median(durations) * 1000:.1f} ms, "
        f"p95 {statistics.quantiles(durations, n=20, method='inclusive')[18] * 1000:.1f} ms"
    )
    print(load())


if __name__ == "__main__":
    main()
