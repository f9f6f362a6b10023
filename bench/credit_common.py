"""Shared set-up for the credit benches: Django on the bench database, and bench companies."""

import datetime as dt
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_DB = "postgres://postgres@127.0.0.1:5432/trustfair_bench_credit"


def setup_django() -> None:
    sys.path.insert(0, str(ROOT))
    os.environ.setdefault("DATABASE_URL", DEFAULT_DB)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()


def bench_companies(n: int, *, tag: str) -> list[tuple[int, str, str]]:
    """Ensure `n` companies tagged `tag` exist (bulk_create); return (id, country, registration)."""
    from django.apps import apps
    from django.conf import settings

    industry_model = apps.get_model("companies", "Industry")
    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    industry, _ = industry_model.objects.get_or_create(slug="bench", defaults={"name": "Bench"})
    prefix = f"bench-{tag}-"
    have = company_model.objects.filter(slug__startswith=prefix).count()
    countries = ("CN", "DE", "US", "GB", "IN", "VN", "TR", "BR", "JP", "FR")
    now = dt.datetime.now(dt.UTC)
    batch = []
    for i in range(have, n):
        batch.append(
            company_model(
                name=f"Bench {tag} {i}",
                slug=f"{prefix}{i}",
                kind="supplier" if i % 3 else "buyer",
                country=countries[i % len(countries)],
                industry=industry,
                registration_number=f"B{tag.upper()}{i:08d}",
                created_at=now - dt.timedelta(days=30 + (i * 7919) % 1800),
            )
        )
        if len(batch) >= 5000:
            company_model.objects.bulk_create(batch)
            batch = []
    company_model.objects.bulk_create(batch)
    rows = company_model.objects.filter(slug__startswith=prefix).order_by("pk")
    return [(pk, str(c), reg) for pk, c, reg in rows.values_list("pk", "country", "registration_number")[:n]]
