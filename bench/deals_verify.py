"""Bench: `verify_trade_record`'s throughput on the seeded deals database, on one core (issue 13, Figures).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_dperf_bench .venv/bin/python bench/deals_verify.py \
        [--runs 3] [--cpu 0]

Run on a database seeded by `bench/deals_seed.py`. Pins this process to one CPU (`--cpu`, default 0;
PostgreSQL's backend is another process and is not pinned), then runs `record.verify_all()` — what
`manage.py verify_trade_record` runs — `--runs` times over every deal and prints, per run:

- wall time and events/s (wall, PostgreSQL included, as the command reports it);
- this process's CPU seconds (user + system, `resource.getrusage`) and events per CPU-second;
- the PostgreSQL backend's CPU seconds for the same run (utime + stime of `pg_backend_pid()` read from
  `/proc/<pid>/stat`; PostgreSQL runs on this machine) and events per CPU-second of both processes
  together — what one core would reach if it did the database's work as well.

Then the floor of the per-event work in Python on a sample of 200,000 events read back from the same
table (no database in the timing): SHA-256 alone over the exact bytes each event hashes, and the JSON
decode + canonical encode of `data` alone. The machine's load average is printed before and after.
"""

import argparse
import os
import resource
import statistics
import sys
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


def own_cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def backend_cpu(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")  # utime, stime


def floor(sample: int) -> None:
    """Per-event cost of SHA-256 alone and of the JSON round trip alone, on events from the table."""
    import hashlib

    from django.db import connection

    from marketplace.deals import record

    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT deal_id, seq, at, actor_user_id, actor_company_id, action, data::text, prev_hash "
            "FROM deals_dealevent ORDER BY deal_id, seq LIMIT %s",
            [sample],
        )
        rows = cursor.fetchall()
    texts = [
        (
            prev
            + record.canonical(
                record.envelope(
                    deal_id=d,
                    seq=s,
                    at=at,
                    actor_user_id=u,
                    actor_company_id=c,
                    action=a,
                    data=record._decode(data),
                )
            )
        ).encode()
        for d, s, at, u, c, a, data, prev in rows
    ]
    datas = [row[6] for row in rows]
    size = sum(map(len, texts))
    sha256 = hashlib.sha256
    started = time.process_time()
    for text in texts:
        sha256(text).hexdigest()
    sha = time.process_time() - started
    decode, encode = record._decode, record._encode
    started = time.process_time()
    for data in datas:
        encode(decode(data))
    js = time.process_time() - started
    print(f"floor on {len(texts):,} events ({size / len(texts):.0f} bytes hashed per event):")
    print(f"  sha256 alone: {sha / len(texts) * 1e6:.2f} us/event = {len(texts) / sha:,.0f} events/CPU-s")
    print(f"  JSON decode + canonical encode of data alone: {js / len(texts) * 1e6:.2f} us/event")


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cpu", type=int, default=0)
    parser.add_argument("--chunk", type=int, default=5000)
    parser.add_argument("--sample", type=int, default=200_000)
    args = parser.parse_args()
    os.sched_setaffinity(0, {args.cpu})
    setup_django()
    from django.db import connection

    from marketplace.deals import record

    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    print(f"before: {load()}; pinned to CPU {args.cpu}")
    walls, rates, cpu_rates, both_rates = [], [], [], []
    for run in range(args.runs):
        started, cpu, db_cpu = time.perf_counter(), own_cpu(), backend_cpu(pid)
        report = record.verify_all(chunk=args.chunk)
        wall = time.perf_counter() - started
        cpu, db_cpu = own_cpu() - cpu, backend_cpu(pid) - db_cpu
        assert report.first_break is None, report.first_break
        n = report.events
        walls.append(wall)
        rates.append(n / wall)
        cpu_rates.append(n / cpu)
        both_rates.append(n / (cpu + db_cpu))
        print(
            f"run {run + 1}: {report.deals:,} deals, {n:,} events intact; wall {wall:.2f} s = {n / wall:,.0f} "
            f"events/s; this process {cpu:.2f} CPU-s = {n / cpu:,.0f} events/CPU-s; PostgreSQL backend "
            f"{db_cpu:.2f} CPU-s; both {n / (cpu + db_cpu):,.0f} events/CPU-s  ({load()})"
        )
    print(
        f"median of {args.runs}: wall {statistics.median(rates):,.0f} events/s, this process "
        f"{statistics.median(cpu_rates):,.0f} events/CPU-s, process + backend "
        f"{statistics.median(both_rates):,.0f} events/CPU-s"
    )
    floor(args.sample)
    print(f"after: {load()}")


if __name__ == "__main__":
    main()
