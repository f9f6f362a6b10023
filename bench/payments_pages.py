# ruff: noqa: S106, S311, S608 - a local benchmark: seeded data, a throwaway secret, table names from models
"""Bench: the payment page and the insurer's and bank's queues with 100,000 deals — 20 clients, signed in (issue 16).

    createdb -h 127.0.0.1 -U postgres tf_bench_pay
    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_bench_pay .venv/bin/python bench/payments_pages.py \
        --deals 100000 --duration 60

Migrates, then (once per database: the `bench-payb-*` companies mark it) seeds --deals ordered deals between
200 buyers and 200 suppliers (random pairs), each with its accepted offer, order and payment milestones
(deposit + balance, or one payment in full, by the terms: prepayment, deposit/balance, L/C, D/P, D/A, open
account), card or bank-transfer attempts for the milestones already paid, shipments for the deals shipped;
8 insurers and 8 banks with one risk officer each; a policy per supplier with one insurer; a buyer
credit-limit application for every (supplier, buyer) pair trading on deferred terms (pending, approved,
refused or stopped), a declaration for each shipped deferred-terms deal under an approved limit; and a
financing application to a random bank for a quarter of the orders (every status). Rows are bulk-written
(the services' rules are what the tests check; here only the pages' reads matter) and ANALYZEd.

Then it starts gunicorn (-w --workers, DEBUG off, 127.0.0.1) and runs wrk (-t2 -c--clients, --duration
seconds each, 10 s timeout) over DISTINCT pages, each request with its own principal's session cookie
(sessions in the database, made here):

- bare /healthz (same run, before and after: the floor of the stack);
- payment page `/payments/deal/<pk>/milestone/<seq>/`: --pages different milestones of different deals,
  half as the deal's buyer (the payer: method form), half as its supplier;
- insurer queue `/insurance/queue/?status=…&page=…`: each insurer's risk officer, every status filter,
  pages 1–N (50 a page since 2026-12-03; before, 8 insurers × 5 = 40 pages of the newest 200);
- bank queue `/financing/bank/?status=…&page=…`: each bank's risk officer, every status, pages 1–N.

Each list's first page must answer 200 with its table before it is measured, then a 3 s warm-up. Prints one
line per run (p50/p95/p99/max ms, requests/s, % of the bare view's requests/s, non-2xx, socket errors),
the 1-minute load average after each, and `uptime` plus the other processes using CPU (top) before and
after. Bounded: every wrk run lasts --duration; the server is stopped on exit.
"""

import argparse
import datetime as dt
import os
import random
import shutil
import sys
import time
from decimal import Decimal
from pathlib import Path

import loadrun

ROOT = Path(__file__).resolve().parent.parent
N_PARTIES = 200
N_PARTNERS = 8
BATCH = 5000
TERMS = (
    ("deposit_balance", 35),
    ("prepayment", 10),
    ("lc_sight", 10),
    ("dp", 15),
    ("da", 15),
    ("open_account", 15),
)
STATES = (("ordered", 35), ("shipped", 25), ("delivered", 15), ("disputed", 3), ("completed", 22))
DEFERRED = ("dp", "da", "open_account")
LIMIT_STATUSES = (("pending", 20), ("approved", 60), ("refused", 15), ("stopped", 5))
FIN_STATUSES = (
    ("submitted", 30),
    ("countered", 10),
    ("approved", 15),
    ("declined", 15),
    ("withdrawn", 5),
    ("disbursed", 15),
    ("repaid", 10),
)


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    # The sessions are made here and read by the server: both sign with the same key.
    os.environ.update(
        DEBUG="false", SECRET_KEY="bench", ALLOWED_HOSTS="127.0.0.1", SECURE_SSL_REDIRECT="false", LOG_LEVEL="WARNING"
    )  # fmt: skip
    import django

    django.setup()


def pick(rng: random.Random, weighted) -> str:
    return rng.choices([v for v, _w in weighted], weights=[w for _v, w in weighted])[0]


def _users(emails_roles):
    from django.contrib.auth.hashers import make_password

    from marketplace.companies.models import User

    User.objects.bulk_create(
        [
            User(email=e, username=e, platform_role=role, password=make_password(None))
            for e, role in emails_roles
        ],
        ignore_conflicts=True,
    )
    return dict(User.objects.filter(email__in=[e for e, _r in emails_roles]).values_list("email", "pk"))


def parties():
    """Companies and one member each: {kind: [company ids]}, {company id: user id}."""
    from marketplace.companies.models import Company, Industry, MemberRole, Membership, PlatformRole

    industry, _ = Industry.objects.get_or_create(slug="bench-pay", defaults={"name": "Bench payments"})
    kinds = (("buyer", "b", N_PARTIES), ("supplier", "s", N_PARTIES), ("insurer", "i", N_PARTNERS),
             ("bank", "k", N_PARTNERS))  # fmt: skip
    ids, user_of = {}, {}
    for kind, tag, n in kinds:
        prefix = f"bench-pay{tag}-"
        Company.objects.bulk_create(
            [
                Company(
                    name=f"Bench {kind} {i}", slug=f"{prefix}{i}", kind=kind, country=("CN", "DE", "US", "VN")[i % 4],
                    industry=industry, registration_number=f"BP{tag.upper()}{i:08d}",
                )
                for i in range(n)
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        companies = list(
            Company.objects.filter(slug__startswith=prefix).order_by("pk").values_list("pk", flat=True)
        )
        role = PlatformRole.RISK_OFFICER if kind in ("insurer", "bank") else PlatformRole.NONE
        users = _users([(f"bench-pay-{tag}{i}@example.com", role) for i in range(len(companies))])
        Membership.objects.bulk_create(
            [
                Membership(
                    user_id=users[f"bench-pay-{tag}{i}@example.com"], company_id=c,
                    role=MemberRole.OWNER if role == PlatformRole.NONE else MemberRole.STAFF,
                )
                for i, c in enumerate(companies)
            ],
            ignore_conflicts=True,
        )  # fmt: skip
        for i, c in enumerate(companies):
            user_of[c] = users[f"bench-pay-{tag}{i}@example.com"]
        ids[kind] = companies
    return ids, user_of


def _next_id(model) -> int:
    from django.db import connection

    with connection.cursor() as cursor:
        cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {model._meta.db_table}")
        return cursor.fetchone()[0] + 1


def _setval(*models) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for model in models:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), (SELECT MAX(id) FROM {table}))"
            )


def seed(n: int) -> None:
    from django.db import connection, transaction
    from django.utils import timezone

    from marketplace.deals.models import Deal, Milestone, Offer, Order, Shipment
    from marketplace.financing.models import FinancingApplication
    from marketplace.insurance.models import CreditLimit, Declaration, Policy
    from marketplace.payments.models import PaymentAttempt

    if Deal.objects.filter(buyer__slug__startswith="bench-payb-").exists():
        print(f"bench deals exist: {Deal.objects.count():,} deals")
        return
    started = time.perf_counter()
    rng = random.Random(16)
    ids, user_of = parties()
    buyers, suppliers, insurers, banks = ids["buyer"], ids["supplier"], ids["insurer"], ids["bank"]
    now = timezone.now()
    today = timezone.localdate()
    policies = {}
    for k, s in enumerate(suppliers):
        policy, _ = Policy.objects.get_or_create(
            insurer_id=insurers[k % len(insurers)], insured_id=s, defaults={"number": f"BP-POL-{s}"}
        )
        policies[s] = policy
    officer = {c: user_of[c] for c in insurers + banks}
    limits: dict[tuple[int, int], CreditLimit] = {}
    counts = dict.fromkeys(
        ("deals", "milestones", "attempts", "shipments", "limits", "declarations", "financing"), 0
    )
    first = _next_id(Deal)
    for start in range(0, n, BATCH):
        stop = min(n, start + BATCH)
        with transaction.atomic():
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL synchronous_commit = off")
            deals, offers, orders, meta = [], [], [], []
            for i in range(start, stop):
                pk = first + i
                buyer, supplier = rng.choice(buyers), rng.choice(suppliers)
                terms, state = pick(rng, TERMS), pick(rng, STATES)
                currency = rng.choices(("USD", "EUR", "CNY"), weights=(70, 20, 10))[0]
                amount = Decimal(rng.randint(5_000, 500_000)).quantize(Decimal("0.01"))
                opened = now - dt.timedelta(days=rng.randint(10, 300), minutes=rng.randint(0, 1440))
                deals.append(
                    Deal(
                        id=pk, number=Deal.number_for(pk, opened.year), buyer_id=buyer, supplier_id=supplier,
                        subject=f"Bench order {i}: {rng.randint(100, 5000)} pcs stainless bottles 不锈钢保温瓶",
                        state=state, source_kind="company", currency=currency, created_by_id=user_of[buyer],
                        created_at=opened, last_event_at=opened + dt.timedelta(days=rng.randint(1, 9)),
                    )
                )  # fmt: skip
                term_days = {"da": 60, "open_account": 30, "dp": None}.get(terms)
                offers.append(
                    Offer(
                        deal_id=pk, version=1, from_side="supplier", created_by_id=user_of[supplier],
                        created_at=opened, status="accepted", currency=currency, incoterm="FOB", named_place="Ningbo",
                        lead_time_days=45, payment_terms=terms,
                        deposit_percent=30 if terms == "deposit_balance" else None, term_days=term_days,
                        valid_until=(opened + dt.timedelta(days=14)).date(), decided_by_id=user_of[buyer],
                        decided_at=opened,
                    )
                )  # fmt: skip
                meta.append((pk, buyer, supplier, terms, state, currency, amount, opened, term_days))
            Deal.objects.bulk_create(deals, batch_size=1000)
            Offer.objects.bulk_create(offers, batch_size=1000)
            offer_of = dict(
                Offer.objects.filter(deal_id__in=[m[0] for m in meta]).values_list("deal_id", "pk")
            )
            with connection.cursor() as cursor:
                cursor.execute(
                    "UPDATE deals_deal d SET accepted_offer_id = o.id FROM deals_offer o"
                    " WHERE o.deal_id = d.id AND d.id BETWEEN %s AND %s",
                    [first + start, first + stop - 1],
                )
            for pk, buyer, _s, terms, _st, currency, amount, opened, term_days in meta:
                orders.append(
                    Order(
                        deal_id=pk, offer_id=offer_of[pk], amount=amount, currency=currency, payment_terms=terms,
                        term_days=term_days, placed_by_id=user_of[buyer], placed_at=opened + dt.timedelta(days=1),
                        insurance="insured" if terms in DEFERRED else "not_insured",
                        decision={"allowed": True, "grade": rng.choice("AABBC"), "reasons": [], "policy_version": 1,
                                  "limit": "500000", "base_currency": "USD"},
                    )
                )  # fmt: skip
            Order.objects.bulk_create(orders, batch_size=1000)
            order_of = dict(
                Order.objects.filter(deal_id__in=[m[0] for m in meta]).values_list("deal_id", "pk")
            )
            milestones = []
            for pk, _b, _s, terms, state, currency, amount, opened, term_days in meta:
                placed = (opened + dt.timedelta(days=1)).date()
                shipped = state != "ordered"
                done = state == "completed"
                if terms == "deposit_balance":
                    parts = [("deposit", Decimal(30), placed + dt.timedelta(days=7), True),
                             ("balance", Decimal(70), placed + dt.timedelta(days=60), done)]  # fmt: skip
                elif terms == "prepayment":
                    parts = [("full", Decimal(100), placed + dt.timedelta(days=7), True)]
                else:
                    parts = [("full", Decimal(100), placed + dt.timedelta(days=45 + (term_days or 0)), done)]
                for seq, (kind, percent, due, paid) in enumerate(parts, 1):
                    status = "paid" if paid else ("overdue" if due < today and shipped else "due" if due < today + dt.timedelta(days=14) else "scheduled")  # fmt: skip
                    milestones.append(
                        Milestone(
                            deal_id=pk, order_id=order_of[pk], seq=seq, kind=kind, percent=percent,
                            amount=(amount * percent / 100).quantize(Decimal("0.01")), currency=currency,
                            due_date=due, status=status, paid_on=due - dt.timedelta(days=2) if paid else None,
                        )
                    )  # fmt: skip
            Milestone.objects.bulk_create(milestones, batch_size=2000)
            counts["milestones"] += len(milestones)
            paid = Milestone.objects.filter(deal_id__in=[m[0] for m in meta], status="paid").values_list(
                "pk", "deal_id", "amount", "currency"
            )
            attempts = []
            for mpk, dpk, amount, currency in paid:
                card = rng.random() < 0.5
                attempts.append(
                    PaymentAttempt(
                        milestone_id=mpk, deal_id=dpk, number=1, provider="stripe" if card else "tt",
                        state="released" if card else "settled", amount=amount, currency=currency,
                        amount_minor=int(amount * 100) if card else None, idempotency_key=PaymentAttempt.key_for(mpk, 1),
                        provider_id=f"pi_benchpay{mpk}" if card else "", captured_amount=amount,
                        released_amount=amount if card else Decimal(0),
                        created_at=now - dt.timedelta(days=rng.randint(1, 200)),
                    )
                )  # fmt: skip
            PaymentAttempt.objects.bulk_create(attempts, batch_size=2000)
            counts["attempts"] += len(attempts)
            shipments = [
                Shipment(
                    deal_id=pk, number=1, mode="sea", carrier="COSCO", tracking_reference=f"BENCH{pk}",
                    shipped_on=(opened + dt.timedelta(days=30)).date(), recorded_by_id=user_of[s],
                )
                for pk, _b, s, _t, state, _c, _a, opened, _d in meta
                if state != "ordered"
            ]  # fmt: skip
            Shipment.objects.bulk_create(shipments, batch_size=2000)
            counts["shipments"] += len(shipments)
            shipment_of = dict(
                Shipment.objects.filter(deal_id__in=[m[0] for m in meta]).values_list("deal_id", "pk")
            )
            new_limits = []
            for pk, buyer, supplier, terms, _st, _c, amount, opened, term_days in meta:
                if terms not in DEFERRED or (supplier, buyer) in limits:
                    continue
                policy = policies[supplier]
                status = pick(rng, LIMIT_STATUSES)
                requested = (amount * Decimal("1.5")).quantize(Decimal("1"))
                decided = status != "pending"
                limit = CreditLimit(
                    policy=policy, insurer_id=policy.insurer_id, buyer_id=buyer, deal_id=pk, status=status,
                    requested_amount=requested, currency="USD", requested_term_days=term_days or 30,
                    requested_by_id=user_of[supplier], requested_at=opened,
                    suggestion={"grade": rng.choice(("A", "BBB", "BB", "B")), "suggested_amount": str(requested),
                                "currency": "USD"},
                    amount=requested if status in ("approved", "stopped") else None,
                    max_term_days=120 if status in ("approved", "stopped") else None,
                    valid_until=today + dt.timedelta(days=300) if status in ("approved", "stopped") else None,
                    reason="" if status != "refused" else "Exposure too high for this buyer",
                    decided_by_id=officer[policy.insurer_id] if decided else None,
                    decided_at=opened + dt.timedelta(days=2) if decided else None,
                    stopped_at=now if status == "stopped" else None,
                )  # fmt: skip
                limits[(supplier, buyer)] = limit
                new_limits.append(limit)
            CreditLimit.objects.bulk_create(new_limits, batch_size=2000)
            counts["limits"] += len(new_limits)
            full = dict(
                Milestone.objects.filter(deal_id__in=[m[0] for m in meta], seq=1).values_list("deal_id", "pk")
            )
            declarations, changed = [], {}
            for pk, buyer, supplier, terms, state, currency, amount, opened, term_days in meta:
                limit = limits.get((supplier, buyer))
                if terms not in DEFERRED or state == "ordered" or limit is None or limit.status != "approved":
                    continue
                fx = (
                    Decimal(1)
                    if currency == "USD"
                    else Decimal("1.08")
                    if currency == "EUR"
                    else Decimal("0.14")
                )
                in_limit = (amount * fx).quantize(Decimal("0.01"))
                covered = state != "completed" and limit.used + in_limit <= limit.amount
                due = (opened + dt.timedelta(days=30 + (term_days or 0))).date()
                if covered:
                    limit.used += in_limit
                    changed[limit.pk] = limit
                declarations.append(
                    Declaration(
                        limit_id=limit.pk, deal_id=pk, shipment_id=shipment_of[pk], milestone_id=full[pk],
                        number=f"BP-DECL-{pk}", status="covered" if covered else "settled", insured_amount=amount,
                        currency=currency, limit_amount=in_limit, fx_rate=fx, term_days=term_days or 30,
                        due_date=due, buyer_grade="A", premium_rate=Decimal("0.450"),
                        premium=(amount * Decimal("0.0045")).quantize(Decimal("0.01")), indemnity_percent=90,
                        declared_by_id=user_of[supplier], declared_at=opened + dt.timedelta(days=30),
                        certificate=f"insurance/certificates/bench/BP-DECL-{pk}.pdf", certificate_sha256="0" * 64,
                    )
                )  # fmt: skip
            Declaration.objects.bulk_create(declarations, batch_size=2000)
            counts["declarations"] += len(declarations)
            CreditLimit.objects.bulk_update(list(changed.values()), ["used"], batch_size=1000)
            applications = []
            for pk, buyer, supplier, _t, _st, currency, amount, opened, _d in meta:
                if rng.random() >= 0.25:
                    continue
                status = pick(rng, FIN_STATUSES)
                decided = status not in ("submitted", "withdrawn")
                out = status in ("disbursed", "repaid")
                ask = (amount * Decimal("0.6")).quantize(Decimal("0.01"))
                applications.append(
                    FinancingApplication(
                        deal_id=pk, order_id=order_of[pk], supplier_id=supplier, buyer_id=buyer,
                        bank_id=rng.choice(banks), status=status, amount=ask, currency=currency,
                        term_days=rng.choice((60, 90, 120, 180)), advance_rate=Decimal("0.7000"),
                        ceiling=(amount * Decimal("0.7")).quantize(Decimal("0.01")),
                        suggestion={"advance_rate": "0.70", "grade": "A"}, created_by_id=user_of[supplier],
                        created_at=opened + dt.timedelta(days=2),
                        offer_amount=ask if decided else None, offer_rate=Decimal("6.500") if decided else None,
                        offer_term_days=90 if decided else None,
                        decline_reason="Not this quarter" if status == "declined" else "",
                        disbursed_amount=ask if out else None,
                        disbursed_on=(opened + dt.timedelta(days=5)).date() if out else None,
                        due_date=(opened + dt.timedelta(days=95)).date() if out else None,
                        repaid_amount=ask if status == "repaid" else Decimal(0),
                    )
                )  # fmt: skip
            FinancingApplication.objects.bulk_create(applications, batch_size=2000)
            counts["financing"] += len(applications)
            counts["deals"] += len(meta)
        print(f"  {stop:,}/{n:,} deals ({time.perf_counter() - started:.0f} s)", flush=True)
    _setval(Deal)
    with connection.cursor() as cursor:
        for model in (Deal, Offer, Order, Milestone, PaymentAttempt, Shipment, CreditLimit, Declaration,
                      FinancingApplication):  # fmt: skip
            cursor.execute(f"ANALYZE {model._meta.db_table}")
    print(f"seeded {counts} in {time.perf_counter() - started:.0f} s")


def session_cookie(user_id: int) -> str:
    """A database session as signing in leaves it; a risk officer's also records the TOTP step that
    `StaffSecondFactorMiddleware` asks for (the officer holds a TOTP authenticator, made here)."""
    import secrets

    from allauth.account.internal.flows.login import AUTHENTICATION_METHODS_SESSION_KEY
    from allauth.mfa.models import Authenticator
    from allauth.mfa.totp.internal.auth import TOTP
    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore

    from marketplace.companies.models import PlatformRole, User

    user = User.objects.get(pk=user_id)
    store = SessionStore()
    store[SESSION_KEY] = str(user.pk)
    store[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    store[HASH_SESSION_KEY] = user.get_session_auth_hash()
    if user.platform_role == PlatformRole.RISK_OFFICER:
        totp = Authenticator.objects.filter(user=user, type=Authenticator.Type.TOTP).first()
        if totp is None:
            totp = TOTP.activate(user, secrets.token_hex(10)).instance
        store[AUTHENTICATION_METHODS_SESSION_KEY] = [
            {"method": "password", "at": time.time(), "email": user.email},
            {"method": "mfa", "at": time.time(), "id": totp.pk, "type": "totp"},
        ]
        store["account_authentication_methods_user"] = str(user.pk)
    store.create()
    return f"{settings.SESSION_COOKIE_NAME}={store.session_key}"


def write_lists(out: str, pages: int) -> dict[str, Path]:
    """Distinct (path, cookie) lines per page kind, shuffled."""
    from marketplace.companies.models import Company, Membership
    from marketplace.deals.models import Milestone
    from marketplace.financing.forms import STATUS_FILTER_CHOICES
    from marketplace.financing.models import FinancingApplication
    from marketplace.insurance.models import CreditLimit, LimitStatus
    from marketplace.insurance.views import QUEUE_PER_PAGE

    rng = random.Random(1616)
    member = dict(
        Membership.objects.filter(company__slug__startswith="bench-pay").values_list("company_id", "user_id")
    )
    cookies: dict[int, str] = {}

    def cookie(company_id: int) -> str:
        if company_id not in cookies:
            cookies[company_id] = session_cookie(member[company_id])
        return cookies[company_id]

    lists: dict[str, list[str]] = {"payment": [], "insurer": [], "bank": []}
    ids = list(
        Milestone.objects.filter(deal__buyer__slug__startswith="bench-payb-").values_list("pk", flat=True)
    )
    chosen = rng.sample(ids, min(pages, len(ids)))
    rows = Milestone.objects.filter(pk__in=chosen).values_list(
        "deal_id", "seq", "deal__buyer_id", "deal__supplier_id"
    )
    for k, (deal, seq, buyer, supplier) in enumerate(rows):
        lists["payment"].append(
            f"/payments/deal/{deal}/milestone/{seq}/ {cookie(buyer if k % 2 == 0 else supplier)}"
        )
    insurers = Company.objects.filter(slug__startswith="bench-payi-").values_list("pk", flat=True)
    for insurer in insurers:
        for status in ["", *LimitStatus.values]:
            qs = CreditLimit.objects.filter(insurer_id=insurer)
            qs = qs.filter(status=status) if status else qs
            for page in range(1, -(-qs.count() // QUEUE_PER_PAGE) + 1):
                lists["insurer"].append(f"/insurance/queue/?status={status}&page={page} {cookie(insurer)}")
    per_page = 25
    for bank in Company.objects.filter(slug__startswith="bench-payk-").values_list("pk", flat=True):
        for status, _label in STATUS_FILTER_CHOICES:
            qs = FinancingApplication.objects.filter(bank_id=bank)
            if status == "pending":
                qs = qs.filter(status__in=("submitted", "countered"))
            elif status:
                qs = qs.filter(status=status)
            for page in range(1, -(-qs.count() // per_page) + 1):
                lists["bank"].append(f"/financing/bank/?status={status}&page={page} {cookie(bank)}")
    paths = {}
    for name, lines in lists.items():
        rng.shuffle(lines)
        paths[name] = Path(f"{out}_{name}.txt")
        paths[name].write_text("\n".join(lines) + "\n")
        print(f"{name}: {len(lines):,} distinct pages, {len({line.split()[1] for line in lines})} principals")
    return paths


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--deals", type=int, default=100_000)
    parser.add_argument("--pages", type=int, default=5000, help="distinct payment pages (default 5000)")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--duration", type=int, default=20, help="seconds per wrk run (default 20)")
    parser.add_argument("--workers", type=int, default=4)
    parser.add_argument("--seed-only", action="store_true")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install wrk")
    setup_django()
    from django.core.management import call_command
    from django.db import connection

    if connection.vendor != "postgresql" or connection.settings_dict["HOST"] not in (
        "127.0.0.1",
        "localhost",
    ):
        sys.exit("PostgreSQL on 127.0.0.1 only: set DATABASE_URL.")
    call_command("migrate", verbosity=0)
    seed(args.deals)
    if args.seed_only:
        return
    call_command("collectstatic", interactive=False, verbosity=0)  # the manifest DEBUG=false serves from
    lists = write_lists(f"/tmp/payments_pages_{os.getpid()}", args.pages)  # noqa: S108 - removed on exit
    connection.close()
    server, base = loadrun.start_gunicorn(args.workers)
    try:
        loadrun.check(base, lists["payment"], b'id="milestone-status"')
        loadrun.check(base, lists["insurer"], b"insurance/limits/")
        loadrun.check(base, lists["bank"], b"financing-table")
        loadrun.run_table(
            base,
            args.clients,
            args.duration,
            [
                ("payment page, distinct milestones", {"pages": lists["payment"]}),
                ("insurer queue, distinct (insurer, status)", {"pages": lists["insurer"]}),
                ("bank queue, distinct (bank, status, page)", {"pages": lists["bank"]}),
            ],
        )
        print(
            f"{os.cpu_count()} CPUs, gunicorn -w {args.workers} (sync), wrk -t2 -c{args.clients} -d{args.duration}s, "
            f"{args.deals:,} deals"
        )
    finally:
        loadrun.stop(server)
        for path in lists.values():
            path.unlink(missing_ok=True)


if __name__ == "__main__":
    main()
