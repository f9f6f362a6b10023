# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The exhibitors' part of the demo world, called by `manage.py seed_demo` after the fairs' sessions.

Every hall of both sessions gets a booth grid in each phase, zoned by the phase's industries. Verified demo
suppliers apply for the phase of their industry and the demo operator approves them onto a booth of their
zone, all through the services, so the ranking's fair presence, the booths' meeting tables and the credit
facts follow from the exhibitors. The demo supplier is always at booth B-07 of its zone's first hall.
Deterministic (one generator from the run's seed) and idempotent (a session that has booths is skipped).
"""

import random
import time
from collections.abc import Callable

from marketplace.companies.models import Company, PlatformRole, User
from marketplace.fairs import exhibitors_services as services
from marketplace.fairs.models import Booth, FairSession

GRID_ROWS, GRID_COLUMNS = 3, 8
SHARE_EXHIBITING = 0.4
DEMO_BOOTH = (2, 7)  # B-07


def seed_exhibitors(
    *, demo_supplier_slug: str, seed: int, stage: Callable[..., None] = lambda *a, **k: None
) -> int:
    """Booth grids and exhibitors for every demo session; returns the exhibitors added."""
    started = time.monotonic()
    operator = User.objects.filter(platform_role=PlatformRole.OPERATOR).order_by("pk").first()
    if operator is None:
        return 0
    suppliers = list(
        Company.objects.suppliers()
        .filter(verified_at__isnull=False)
        .exclude(slug__startswith="scale-")
        .exclude(slug__startswith="catalog-scale-")
        .select_related("industry")
        .order_by("slug")
    )
    added = 0
    for session in FairSession.objects.order_by("starts_on"):
        if Booth.objects.filter(phase__session=session).exists():
            continue
        rng = random.Random(f"{seed}:exhibitors:{session.slug}")
        halls = list(session.halls.order_by("code"))
        for phase in session.phases.prefetch_related("industries").order_by("number"):
            industries = list(phase.industries.order_by("slug"))
            if not industries or not halls:
                continue
            free: dict[int, list[Booth]] = {}
            for n, hall in enumerate(halls):
                zone = industries[n % len(industries)]
                booths = services.generate_grid(
                    hall=hall,
                    phase=phase,
                    rows=GRID_ROWS,
                    columns=GRID_COLUMNS,
                    size_sqm=rng.choice((9, 9, 9, 18)),
                    zone_industry=zone,
                    by_user=operator,
                )
                free.setdefault(zone.pk, []).extend(booths)
            for company in suppliers:
                if company.industry_id not in free:
                    continue
                demo = company.slug == demo_supplier_slug
                if not demo and rng.random() >= SHARE_EXHIBITING:
                    continue
                booths = free[company.industry_id]
                booth = next((b for b in booths if (b.row, b.column) == DEMO_BOOTH), None) if demo else None
                if booth is None:
                    candidates = [
                        b for b in booths if (b.row, b.column) != DEMO_BOOTH or b.hall_id != booths[0].hall_id
                    ]
                    if not candidates:
                        continue
                    booth = rng.choice(candidates)
                booths.remove(booth)
                products = list(company.products.filter(status="published").order_by("pk")[:3])
                application = services.apply(
                    company=company,
                    phase=phase,
                    by_user=operator,
                    industries=[company.industry],
                    booth_size_sqm=booth.size_sqm,
                    products=products,
                    note="",
                )
                services.approve(application=application, booth=booth, by_user=operator)
                added += 1
    stage("exhibitors", started, exhibitors_new=added)
    return added
