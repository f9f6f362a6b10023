"""Bench: single-subject recompute, wall and CPU time, for one code tree (to alternate old and new code).

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/tf_cperf_bench .venv/bin/python bench/credit_single.py \
        [--code /tmp/old-export] [--subjects 150]

Imports credit from --code (default: this checkout), then `recompute(subject_ids=[id])` for --subjects random
`bench-feat-*` companies (seed 1) after one warm-up; prints the median and p95 of wall time and of this
process's CPU time (PostgreSQL's own CPU is not in it), and the load. The assessments it wrote are deleted.
"""

import argparse
import os
import statistics
import sys
import time
from pathlib import Path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--code", default=str(Path(__file__).resolve().parent.parent))
    parser.add_argument("--subjects", type=int, default=150)
    args = parser.parse_args()
    os.chdir(args.code)
    sys.path.insert(0, args.code)
    os.environ.setdefault("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/tf_cperf_bench")
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "marketplace.settings")
    import django

    django.setup()
    import numpy as np
    from django.apps import apps
    from django.conf import settings

    from credit.index import recompute
    from credit.models import Assessment

    company_model = apps.get_model(settings.CREDIT_SUBJECT_MODEL)
    ids = list(
        company_model.objects.filter(slug__startswith="bench-feat-")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    first = Assessment.objects.order_by("-id").values_list("id", flat=True).first() or 0
    sample = [int(i) for i in np.random.default_rng(1).choice(ids, size=args.subjects, replace=False)]
    recompute(subject_ids=[sample[0]])  # warm-up: model load, compiled SQL
    wall, cpu = [], []
    for subject_id in sample:
        started, started_cpu = time.perf_counter(), time.process_time()
        recompute(subject_ids=[subject_id])
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
    Assessment.objects.filter(id__gt=first).delete()
    print(
        f"{args.code}: wall median {statistics.median(wall):.1f} ms p95 {np.percentile(wall, 95):.1f}; "
        f"CPU median {statistics.median(cpu):.1f} ms p95 {np.percentile(cpu, 95):.1f}; "
        f"load {os.getloadavg()[0]:.2f}"
    )


if __name__ == "__main__":
    main()
