"""Seed the deals bench database: N deals with their hash-chained records, loaded by COPY (issue 13).

    createdb -h 127.0.0.1 -U postgres tf_d5_bench
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_d5_bench .venv/bin/python manage.py migrate
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_d5_bench .venv/bin/python bench/deals_seed.py \
        --deals 100000 --events 2000000

Makes 200 buyer and 200 supplier companies (`bench-dealb-*`, `bench-deals-*`), one owner member each
(users `bench-deal-b<i>` / `bench-deal-s<i>`), then --deals deals between them. Every second deal has a
record of 30 events (the deal page's "timeline of 30 events"), the others share out the rest of --events,
so the total is exactly --events. Each record is an "open" event followed by messages from alternating
sides. The chain is computed here with `record.canonical` / `record.envelope` / `record.chain_hash` — the
functions `record.append` uses — so `verify_trade_record` must find every chain intact; each deal's
`record_length` / `record_head` / `last_event_at` is set to its last event. Deals and events are written
with psycopg's COPY (ids given, sequences moved past them afterwards). Refuses to run on a database that
already holds deals. Prints the seconds taken for hashing+COPY and the machine's load.
"""

import argparse
import datetime as dt
import json
import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
N_COMPANIES = 200
LONG = 30  # events in the records of the deal page's benchmark


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def parties():
    """(buyer ids, supplier ids, {company id: user id}) — created once, reused on a second run."""
    from django.contrib.auth import get_user_model

    from marketplace.companies.models import Company, Industry, MemberRole, Membership

    user_model = get_user_model()
    industry, _ = Industry.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    out = {}
    for kind, tag in (("buyer", "b"), ("supplier", "s")):
        prefix = f"bench-deal{tag}-"
        have = Company.objects.filter(slug__startswith=prefix).count()
        Company.objects.bulk_create(
            [
                Company(
                    name=f"Bench deal {kind} {i}",
                    slug=f"{prefix}{i}",
                    kind=kind,
                    country=("CN", "DE", "US", "VN")[i % 4],
                    industry=industry,
                    registration_number=f"BD{tag.upper()}{i:08d}",
                )
                for i in range(have, N_COMPANIES)
            ]
        )
        companies = list(Company.objects.filter(slug__startswith=prefix).order_by("pk"))
        for i, company in enumerate(companies):
            user, created = user_model.objects.get_or_create(
                username=f"bench-deal-{tag}{i}", defaults={"email": f"bench-deal-{tag}{i}@example.com"}
            )
            if created:
                user.set_unusable_password()
                user.save(update_fields=["password"])
            Membership.objects.get_or_create(user=user, company=company, defaults={"role": MemberRole.OWNER})
            out[company.pk] = user.pk
        out[kind] = [c.pk for c in companies]
    return out["buyer"], out["supplier"], out


def lengths(deals: int, events: int) -> list[int]:
    """Every second deal LONG events; the rest share the remainder (each at least 1)."""
    long_n = (deals + 1) // 2
    short_n = deals - long_n
    rest = events - long_n * LONG
    if short_n == 0 or rest < short_n:
        raise SystemExit(f"{events} events cannot give {long_n} deals {LONG} events and the others one each")
    base, extra = divmod(rest, short_n)
    out, k = [], 0
    for i in range(deals):
        if i % 2 == 0:
            out.append(LONG)
        else:
            out.append(base + (1 if k < extra else 0))
            k += 1
    return out


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--events", type=int, default=2_000_000)
    args = parser.parse_args()
    setup_django()
    from django.db import connection

    from marketplace.deals import record
    from marketplace.deals.models import Deal, DealEvent

    if Deal.objects.exists():
        raise SystemExit("this database already holds deals: seed a fresh one")
    print(f"before: {load()}")
    buyers, suppliers, user_of = parties()
    sizes = lengths(args.deals, args.events)
    deal_table, event_table = Deal._meta.db_table, DealEvent._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {deal_table}")  # noqa: S608
        first_deal = cursor.fetchone()[0] + 1
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {event_table}")  # noqa: S608
        first_event = cursor.fetchone()[0] + 1
    start = dt.datetime(2026, 1, 5, 8, 0, tzinfo=dt.UTC)
    step = dt.timedelta(minutes=37, microseconds=123457)
    deal_cols = (
        "id, number, buyer_id, supplier_id, subject, state, source_kind, source_reference, currency, "
        "created_by_id, created_at, last_event_at, record_length, record_head, cancel_reason, "
        "cancelled_at_state, claim_window_days"
    )
    event_cols = "id, deal_id, seq, at, actor_user_id, actor_company_id, action, data, prev_hash, hash"
    started = time.perf_counter()
    event_id = first_event
    raw = connection.connection  # psycopg 3 connection under Django's
    with transaction_block(connection):
        with connection.cursor() as cursor:
            cursor.execute("SET LOCAL synchronous_commit = off")
        deal_rows = []
        with raw.cursor() as cur, cur.copy(f"COPY {event_table} ({event_cols}) FROM STDIN") as copy:
            for i, size in enumerate(sizes):
                deal_id = first_deal + i
                buyer, supplier = buyers[i % len(buyers)], suppliers[(i * 7) % len(suppliers)]
                opened = start + dt.timedelta(seconds=(i * 613) % (300 * 86400))
                number = Deal.number_for(deal_id, opened.year)
                subject = f"Bench inquiry {i}: 2,000 pcs stainless bottles 不锈钢保温瓶"
                prev = record.GENESIS
                at = opened
                for seq in range(1, size + 1):
                    if seq == 1:
                        action, company = "open", buyer
                        data = {
                            "from": "",
                            "to": "inquiry",
                            "number": number,
                            "buyer": buyer,
                            "supplier": supplier,
                            "source": "product",
                            "reference": "",
                            "subject": subject,
                            "product": None,
                            "currency": "USD",
                            "message": "Please quote FOB Ningbo, 2,000 pcs.",
                        }
                    else:
                        action = "message"
                        company = supplier if seq % 2 == 0 else buyer
                        data = {
                            "message": None,
                            "body": f"Message {seq} of deal {i}: price, lead time, packing — 报价与交期。",
                            "files": [],
                        }
                    data = json.loads(record.canonical(data))
                    user = user_of[company]
                    digest = record.chain_hash(
                        prev,
                        record.canonical(
                            record.envelope(
                                deal_id=deal_id,
                                seq=seq,
                                at=at,
                                actor_user_id=user,
                                actor_company_id=company,
                                action=action,
                                data=data,
                            )
                        ),
                    )
                    copy.write_row(
                        (
                            event_id,
                            deal_id,
                            seq,
                            at,
                            user,
                            company,
                            action,
                            record.canonical(data),
                            prev,
                            digest,
                        )
                    )
                    event_id += 1
                    prev = digest
                    last = at
                    at = at + step
                deal_rows.append(
                    (
                        deal_id,
                        number,
                        buyer,
                        supplier,
                        subject,
                        "inquiry",
                        "product",
                        "",
                        "USD",
                        user_of[buyer],
                        opened,
                        last,
                        size,
                        prev,
                        "",
                        "",
                        30,
                    )
                )
                if (i + 1) % 10000 == 0:
                    print(f"  {i + 1:,} deals hashed, {time.perf_counter() - started:.0f} s", flush=True)
        # Deals after their events inside one transaction: the FK is checked at commit (deferred).
        with raw.cursor() as cur, cur.copy(f"COPY {deal_table} ({deal_cols}) FROM STDIN") as copy:
            for row in deal_rows:
                copy.write_row(row)
        with connection.cursor() as cursor:
            for table in (deal_table, event_table):
                sql = f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"  # noqa: S608
                cursor.execute(sql)
    seconds = time.perf_counter() - started
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {deal_table}; ANALYZE {event_table}")  # noqa: S608
    print(
        f"seeded {len(sizes):,} deals and {event_id - first_event:,} events in {seconds:.1f} s "
        f"({(event_id - first_event) / seconds:,.0f} events/s incl. hashing and COPY)"
    )
    print(f"after: {load()}")


def transaction_block(connection):
    from django.db import transaction

    return transaction.atomic(using=connection.alias)


if __name__ == "__main__":
    main()
