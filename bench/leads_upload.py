"""Bench: lead uploads from phones at the booths — N clients sustaining a total rate of scans for a while,
each uploading batches with retries and duplicates; 0 lost, 0 duplicated, p95 of an upload.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_leads_bench .venv/bin/python bench/leads_upload.py \
        --clients 20 --rate 50 --seconds 60

Creates the database's tables if needed (migrate), then a fair session, --clients exhibitor companies
(one staff member each, signed in through a session made in the database) and --badges buyer badges.
Starts gunicorn (`marketplace.wsgi`, --workers, DEBUG off) on 127.0.0.1:--port, unless --url names a
running server on the same database.

Each client is a thread playing one phone: it makes scans at rate/clients per second (a random badge,
a uuid client_id, notes and a rating), and once a second uploads what is waiting to
`/leads/capture/<session>/upload/` as one JSON batch, like capture.js. To be hard on idempotency it also
re-sends, with probability --dup, the previous batch's scans inside the next one; with probability
--lost-reply it throws a reply away and sends the same batch again (as a phone does when the reply is
lost); a failed request (connection error, 5xx) is retried after a pause. A scan leaves the phone only
once the server answered "created" or "duplicate" for it.

Prints: scans made, requests, retries, statuses seen; lost (scans made that have no lead) and duplicated
(leads beyond one per scan made, or leads of this run that no phone made) — both must be 0; the
achieved scan rate; median/p95/p99 of an upload request; the load average.
"""

import argparse
import http.client
import json
import os
import random
import secrets
import statistics
import string
import subprocess
import sys
import threading
import time
import uuid
from pathlib import Path

import loadrun

ROOT = Path(__file__).resolve().parent.parent


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    # The sessions are made here and read by the server: both must sign with the same key.
    os.environ.setdefault("SECRET_KEY", "bench")
    import django

    django.setup()


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} CPUs)"


def pct(values, q):
    if not values:
        return float("nan")
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


def make_world(run: str, clients: int, badges: int):
    import datetime as dt

    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django.utils import timezone

    from marketplace.companies.models import Company, CompanyKind, Industry, MemberRole, Membership, User
    from marketplace.fairs import badge_tokens
    from marketplace.fairs.models import Badge, FairSession, Registration

    industry, _ = Industry.objects.get_or_create(slug="bench-leads", defaults={"name": "Bench leads"})
    today = timezone.localdate()
    session = FairSession.objects.create(
        name=f"Bench session {run}",
        slug=f"bench-leads-{run}",
        venue="Bench hall",
        city="Guangzhou",
        country="CN",
        starts_on=today,
        ends_on=today + dt.timedelta(days=4),
    )
    buyer = Company.objects.create(
        name=f"Bench buyer {run}",
        slug=f"bench-buyer-{run}",
        kind=CompanyKind.BUYER,
        country="DE",
        industry=industry,
    )
    regs = Registration.objects.bulk_create(
        Registration(
            session=session,
            role="buyer",
            company=buyer,
            full_name=f"Visitor {i}",
            company_name=buyer.name,
            country="DE",
        )
        for i in range(badges)
    )
    codes = [badge_tokens.token_for(Badge.objects.create(registration=r)) for r in regs]
    phones = []
    for i in range(clients):
        company = Company.objects.create(
            name=f"Bench exhibitor {run}-{i}",
            slug=f"bench-exhibitor-{run}-{i}",
            kind=CompanyKind.SUPPLIER,
            country="CN",
            industry=industry,
        )
        user = User.objects.create_user(email=f"bench-{run}-{i}@bench.invalid", password=None)
        Membership.objects.create(user=user, company=company, role=MemberRole.STAFF)
        store = SessionStore()
        store[SESSION_KEY] = str(user.pk)
        store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
        store[HASH_SESSION_KEY] = user.get_session_auth_hash()
        store.create()
        phones.append({"company": company.pk, "session_key": store.session_key})
    return session, codes, phones


class Phone(threading.Thread):
    def __init__(self, n, *, host, port, path, session_key, codes, rate, seconds, dup, lost_reply, seed):
        super().__init__(daemon=True)
        self.n, self.host, self.port, self.path = n, host, port, path
        self.csrf = "".join(secrets.choice(string.ascii_letters + string.digits) for _ in range(32))
        self.cookie = f"sessionid={session_key}; csrftoken={self.csrf}"
        self.codes, self.rate, self.seconds = codes, rate, seconds
        self.dup, self.lost_reply = dup, lost_reply
        self.rng = random.Random(seed)  # noqa: S311 - load shape, not secrets
        self.made: list[str] = []
        self.latencies: list[float] = []
        self.statuses: dict[str, int] = {}
        self.requests = self.retries = self.errors = 0
        self.pending: list[dict] = []
        self.previous: list[dict] = []

    def post(self, batch) -> dict | None:
        body = json.dumps({"scans": batch})
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection(self.host, self.port, timeout=30)
            conn.request(
                "POST",
                self.path,
                body=body,
                headers={"Content-Type": "application/json", "Cookie": self.cookie, "X-CSRFToken": self.csrf},
            )
            response = conn.getresponse()
            data = response.read()
            conn.close()
        except OSError:
            self.errors += 1
            return None
        finally:
            self.requests += 1
        self.latencies.append(time.perf_counter() - started)
        if response.status != 200:
            self.errors += 1
            return None
        return json.loads(data)

    def upload(self):
        batch = list(self.pending)
        if self.previous and self.rng.random() < self.dup:
            batch += self.previous  # scans already received, sent again
        if not batch:
            return
        self.rng.shuffle(batch)  # out of order
        for attempt in range(20):
            reply = self.post(batch)
            if reply is not None and self.rng.random() < self.lost_reply:
                reply = None  # the reply never reached the phone: it sends the batch again
            if reply is not None:
                break
            self.retries += 1
            time.sleep(min(2.0, 0.1 * 2**attempt))
        else:
            return  # still waiting: stays pending for the next round
        done = set()
        for result in reply["results"]:
            self.statuses[result["status"]] = self.statuses.get(result["status"], 0) + 1
            if result["status"] in ("created", "duplicate"):
                done.add(result["client_id"])
        self.previous = [s for s in self.pending if s["client_id"] in done]
        self.pending = [s for s in self.pending if s["client_id"] not in done]

    def run(self):
        start = time.monotonic()
        next_scan = start
        next_upload = start + self.rng.random()
        while time.monotonic() - start < self.seconds:
            now = time.monotonic()
            while next_scan <= now:
                client_id = str(uuid.uuid4())
                self.made.append(client_id)
                self.pending.append(
                    {
                        "client_id": client_id,
                        "code": self.rng.choice(self.codes),
                        "scanned_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
                        "notes": f"bench phone {self.n}",
                        "rating": self.rng.choice(["hot", "warm", "cold", ""]),
                    }
                )
                next_scan += self.rng.expovariate(self.rate)
            if now >= next_upload:
                self.upload()
                next_upload += 1.0
            time.sleep(max(0.0, min(next_scan, next_upload) - time.monotonic()))
        deadline = time.monotonic() + 30
        while self.pending and time.monotonic() < deadline:  # drain what is still waiting
            self.upload()


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--rate", type=float, default=50.0, help="scans per second, all clients together")
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--badges", type=int, default=500)
    parser.add_argument("--dup", type=float, default=0.3)
    parser.add_argument("--lost-reply", type=float, default=0.05)
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--port", type=int, default=8766)
    parser.add_argument("--url", default="", help="a running server, e.g. http://127.0.0.1:8000")
    parser.add_argument("--seed", type=int, default=15)
    args = parser.parse_args()
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    from marketplace.fairs.models import Lead

    if connection.vendor != "postgresql":
        sys.exit("PostgreSQL only: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    print(f"before: {loadrun.uptime()}; other processes using CPU: {loadrun.others()}", flush=True)
    run = uuid.uuid4().hex[:8]
    session, codes, phones = make_world(run, args.clients, args.badges)
    server = None
    host, port = "127.0.0.1", args.port
    if args.url:
        from urllib.parse import urlsplit

        parts = urlsplit(args.url)
        host, port = parts.hostname, parts.port or 80
    else:
        env = dict(
            os.environ,
            DEBUG="false",
            SECRET_KEY=os.environ["SECRET_KEY"],  # the key the sessions were signed with
            ALLOWED_HOSTS="127.0.0.1",
            SECURE_SSL_REDIRECT="false",
            LOG_LEVEL="WARNING",
        )
        gunicorn = Path(sys.executable).with_name("gunicorn")
        server = subprocess.Popen(  # noqa: S603 - our own gunicorn
            [
                str(gunicorn),
                "marketplace.wsgi",
                "-w",
                str(args.workers),
                "-b",
                f"{host}:{port}",
                "--timeout",
                "120",
                "--log-level",
                "warning",
            ],
            cwd=ROOT,
            env=env,
        )
        for _ in range(100):
            try:
                c = http.client.HTTPConnection(host, port, timeout=2)
                c.request("GET", "/healthz")
                c.getresponse().read()
                break
            except OSError:
                time.sleep(0.2)
    path = f"/leads/capture/{session.slug}/upload/"
    per_phone = args.rate / args.clients
    threads = [
        Phone(
            i,
            host=host,
            port=port,
            path=path,
            session_key=p["session_key"],
            codes=codes,
            rate=per_phone,
            seconds=args.seconds,
            dup=args.dup,
            lost_reply=args.lost_reply,
            seed=args.seed * 1000 + i,
        )
        for i, p in enumerate(phones)
    ]
    started = time.monotonic()
    try:
        for t in threads:
            t.start()
        for t in threads:
            t.join()
    finally:
        if server is not None:
            server.terminate()
            server.wait(timeout=20)
    elapsed = time.monotonic() - started
    made = [c for t in threads for c in t.made]
    leads = Lead.objects.filter(session=session)
    stored = {str(c) for c in leads.values_list("client_id", flat=True)}
    lost = len(set(made) - stored)
    duplicated = (leads.count() - len(stored)) + len(stored - set(made))
    latencies = [x for t in threads for x in t.latencies]
    statuses: dict[str, int] = {}
    for t in threads:
        for k, v in t.statuses.items():
            statuses[k] = statuses.get(k, 0) + v
    print(
        f"leads_upload run {run}: {args.clients} clients, target {args.rate:g} scans/s for {args.seconds:g} s"
    )
    print(f"scans made {len(made)} ({len(made) / args.seconds:.1f}/s achieved), leads stored {leads.count()}")
    print(
        f"requests {sum(t.requests for t in threads)}, retries {sum(t.retries for t in threads)}, "
        f"failed requests {sum(t.errors for t in threads)}, results {statuses}"
    )
    print(f"lost={lost} duplicated={duplicated}")
    if latencies:
        print(
            f"upload latency: median {statistics.median(latencies) * 1000:.1f} ms, "
            f"p95 {pct(latencies, 0.95) * 1000:.1f} ms, p99 {pct(latencies, 0.99) * 1000:.1f} ms "
            f"(n={len(latencies)}); wall {elapsed:.1f} s"
        )
    print(load())
    print(f"after: {loadrun.uptime()}; other processes using CPU: {loadrun.others()}")
    sys.exit(1 if lost or duplicated else 0)


if __name__ == "__main__":
    main()
