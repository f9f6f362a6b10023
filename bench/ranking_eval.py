# ruff: noqa: S311 - seeded, reproducible benchmark data, nothing secret
"""Relevance of the supplier ranking (issue 14): nDCG@10 and recall@20, full ranking vs a text-only baseline.

The labelled set comes from the demo simulation, and never enters the ranking's inputs:

- Each demo buyer gets a hidden true need, drawn (seeded by its slug) from the demo world's own
  catalog parameters — the products its industry makes (companies/demo_data.INDUSTRIES) and their HS
  codes, units and typical prices (catalog/demo.INDUSTRY_TERMS): one product type, a quantity, a target
  unit price, 0–2 required certifications (from the catalog's demo set), a longest lead time and its
  own country as destination. Needs live only in this script's memory; nothing is written.
- Relevant suppliers (the labels) are those that can fill the need, read from the catalog rows
  product by product: a public product of exactly that HS code with every required certification
  current on that product, MOQ ≤ quantity ≤ 3 months of its capacity, lowest tier price ≤ 1.25 ×
  target (USD), and lead time ≤ the longest accepted. Needs no supplier can fill are left out.
- What the ranking sees is only the `Need` a buyer would type: the product in words (English, the
  singular, or Chinese for a quarter of buyers), the HS heading for half of them (4 digits — a buyer
  knows the heading more often than the subheading), the quantity, target, certifications, lead time
  and destination. The ranking reads SupplierSignals (per-supplier aggregates: lowest MOQ, largest
  capacity, median lead time, the heading's median price, certificates on any product), not the
  per-product facts the labels use.
- Baseline: the same candidates ranked by text relevance only (`rank(text_only=True)`).
- Ablation ("fit"): the full score without the reputation terms (response, meetings, grade,
  verification, fair presence), which rank a good partner higher whether or not it can fill the need.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_rank python manage.py seed_demo
    DATABASE_URL=... python bench/ranking_eval.py [--buyers 600] [--seed 2026]
"""

from __future__ import annotations

import argparse
import functools
import math
import os
import random
import statistics
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
os.environ.setdefault("SECRET_KEY", "bench")
os.environ.setdefault("LOG_LEVEL", "WARNING")

import django  # noqa: E402

django.setup()
print = functools.partial(print, flush=True)  # noqa: A001

from django.utils import timezone  # noqa: E402

from marketplace.catalog.demo import CERTS, DEFAULT_TERMS, INDUSTRY_TERMS  # noqa: E402
from marketplace.catalog.models import Product, ProductCertification  # noqa: E402
from marketplace.companies.demo_data import INDUSTRIES  # noqa: E402
from marketplace.companies.models import Company  # noqa: E402
from marketplace.core.money import Money  # noqa: E402
from marketplace.matchmaking import ranking  # noqa: E402
from marketplace.matchmaking.models import SupplierSignals  # noqa: E402

INDUSTRY = {i.slug: i for i in INDUSTRIES}
PRICE_SLACK = Decimal("1.25")
CAPACITY_MONTHS = 3


def hidden_need(buyer: Company, rng: random.Random) -> dict | None:
    industry = INDUSTRY.get(buyer.industry.slug)
    if industry is None:
        return None
    codes, unit, base = INDUSTRY_TERMS.get(industry.slug, DEFAULT_TERMS)
    k = rng.randrange(len(industry.products))
    phrase = industry.products[k]
    roll = rng.random()
    if roll < 0.25 and industry.products_zh[k]:
        text = industry.products_zh[k]
    elif roll < 0.6:
        text = phrase[:-1] if phrase.endswith("s") and not phrase.endswith("ss") else phrase
    else:
        text = phrase
    # Quantities a buyer of this kind of product orders: a few machines, hundreds to thousands of small parts.
    quantity = (
        rng.choice((1, 2, 5))
        if base >= 1000
        else rng.choice((20, 50, 100, 300))
        if base >= 20
        else rng.choice((200, 500, 1000, 3000))
    )
    target = (Decimal(base) * Decimal(str(round(rng.uniform(0.8, 1.6), 2)))).quantize(Decimal("0.01"))
    certs = tuple(rng.sample(CERTS, rng.choice((0, 0, 1, 1, 2))))
    return {
        "hs6": codes[k],
        "need": ranking.Need(
            text=text,
            hs_code=codes[k][:4] if rng.random() < 0.5 else "",
            quantity=quantity,
            unit=unit,
            target_price=Money(target, "USD"),
            destination_country=str(buyer.country),
            certifications=certs,
            max_lead_time_days=rng.choice((20, 30, 45, 60)),
        ),
    }


def fillers(hs6: str, need: ranking.Need, *, products, certs) -> set[int]:
    """The suppliers that can fill the need, product by product (the labels)."""
    found = set()
    target = need.target_usd
    for p in products.get(hs6, ()):
        if need.quantity < p["moq"]:
            continue
        if p["monthly_capacity"] and need.quantity > CAPACITY_MONTHS * p["monthly_capacity"]:
            continue
        if p["min_price_usd"] is None or p["min_price_usd"] > PRICE_SLACK * target:
            continue
        if p["lead_time_days"] is None or p["lead_time_days"] > need.max_lead_time_days:
            continue
        if not set(need.certifications) <= certs.get(p["id"], set()):
            continue
        found.add(p["supplier_id"])
    return found


REPUTATION = {"response_rate", "response_time", "meetings", "grade", "verified", "fair"}


def fit_points(match: ranking.Match) -> float:
    """An ablation: the score without the terms that say how good a partner the supplier is rather than
    whether it can fill the need (response, meetings, grade, verification, fair presence)."""
    return sum(r.points for r in match.reasons + match.cautions if r.signal not in REPUTATION)


def ndcg(ranked: list[int], relevant: set[int], k: int = 10) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, s in enumerate(ranked[:k]) if s in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(k, len(relevant))))
    return dcg / ideal if ideal else 0.0


def recall(ranked: list[int], relevant: set[int], k: int = 20) -> float:
    return len(set(ranked[:k]) & relevant) / len(relevant)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--buyers", type=int, default=600)
    parser.add_argument("--seed", type=int, default=2026)
    args = parser.parse_args()
    if not SupplierSignals.objects.exists():
        sys.exit("No supplier signals: run seed_demo (or refresh_match_signals) first.")
    if SupplierSignals.objects.filter(supplier__slug__startswith="rank-bench-").exists():
        sys.exit("Benchmark suppliers without a catalog are loaded: run bench/ranking_speed.py --drop first.")
    today = timezone.localdate()
    products = defaultdict(list)
    for p in Product.objects.public().values(
        "id", "supplier_id", "hs_code", "moq", "monthly_capacity", "min_price_usd", "lead_time_days"
    ):
        products[p["hs_code"]].append(p)
    certs = defaultdict(set)
    for pid, standard in ProductCertification.objects.filter(expires_on__gte=today).values_list(
        "product_id", "standard"
    ):
        certs[pid].add(standard)
    buyers = list(
        Company.objects.buyers()
        .exclude(slug__startswith="scale-")
        .select_related("industry")
        .order_by("slug")[: args.buyers]
    )
    rows = defaultdict(lambda: defaultdict(list))
    skipped = 0
    sizes = []
    started = time.monotonic()
    for buyer in buyers:
        rng = random.Random(f"{args.seed}:ranking-eval:{buyer.slug}")
        drawn = hidden_need(buyer, rng)
        if drawn is None:
            skipped += 1
            continue
        need = drawn["need"]
        relevant = fillers(drawn["hs6"], need, products=products, certs=certs) - {buyer.pk}
        if not relevant:
            skipped += 1
            continue
        sizes.append(len(relevant))
        kind = "hs + text" if need.hs_code else "text only"
        language = "zh" if any("\u4e00" <= ch <= "\u9fff" for ch in need.text) else "en"
        everyone = ranking.rank(need, buyer=buyer, limit=10_000)
        fit = sorted(everyone, key=lambda m: (-fit_points(m), m.supplier_id))
        orders = {
            "full": [m.supplier_id for m in everyone[:20]],
            "text": [m.supplier_id for m in ranking.rank(need, buyer=buyer, text_only=True, limit=20)],
            "fit": [m.supplier_id for m in fit[:20]],
        }
        for name, ranked in orders.items():
            for group in ("all", kind, language):
                rows[group][f"{name} ndcg"].append(ndcg(ranked, relevant))
                rows[group][f"{name} recall"].append(recall(ranked, relevant))
    elapsed = time.monotonic() - started
    print(
        f"needs {len(sizes)} (skipped {skipped}: no product type or nobody can fill it); relevant suppliers per need: "
        f"median {statistics.median(sizes)}, max {max(sizes)}; {elapsed:.1f} s"
    )
    print(
        f"{'needs':<12}{'n':>5}  {'nDCG@10 full':>13} {'text':>6} {'fit':>6}  {'recall@20 full':>15} {'text':>6} {'fit':>6}"
    )
    for group in ("all", "hs + text", "text only", "en", "zh"):
        r = rows[group]
        if not r:
            continue
        m = {key: statistics.mean(values) for key, values in r.items()}
        print(
            f"{group:<12}{len(r['full ndcg']):>5}  {m['full ndcg']:>13.3f} {m['text ndcg']:>6.3f} {m['fit ndcg']:>6.3f}  "
            f"{m['full recall']:>15.3f} {m['text recall']:>6.3f} {m['fit recall']:>6.3f}"
        )


if __name__ == "__main__":
    main()
