# ruff: noqa: S311 - seeded, reproducible demo data, nothing secret
"""The badges part of the demo world, called by `manage.py seed_demo` after the fairs.

Both demo sessions get registered buyers with badges — the demo buyers (buyer@, buyer2@, james.wright@)
with their accounts, and buyers of directory companies — and the demo suppliers' people as exhibitor
staff; each session has a service point staffed by operator@. The past session has check-ins on its
days, and each checked-in buyer company its `fair_attended` credit fact and a `fair_checked_in` fact per
day (through the same functions the desk uses). Deterministic (one generator seeded from the run's seed) and idempotent (a session that has
registrations is left as it is).
"""

from __future__ import annotations

import datetime as dt
import random
import time
from collections.abc import Callable

from django.db import transaction
from django.utils import timezone

from marketplace.companies.demo import SCALE_SLUG_PREFIX
from marketplace.companies.demo_data import DEMO_DOMAIN
from marketplace.companies.models import Company, Membership
from marketplace.fairs import badges_services
from marketplace.fairs.models import Badge, CheckIn, FairSession, Registration, RegistrationRole, ServicePoint

DEMO_BUYERS = ("buyer", "buyer2", "james.wright")
DEMO_STAFF = ("supplier", "li.na", "supplier2")
DIRECTORY_BUYERS = 24
POINTS = (("North entrance desk", "北门服务台", "Area A, north entrance"),)


def _user(users: dict, local: str):
    return users.get(f"{local}@{DEMO_DOMAIN}")


def _register(session, role, *, user=None, company, full_name, rng, industries) -> Badge:
    registration = Registration.objects.create(
        session=session,
        role=role,
        user=user,
        company=company,
        full_name=full_name,
        company_name=company.name,
        country=company.country,
        email=user.email if user else "",
        registered_at=timezone.make_aware(dt.datetime.combine(session.starts_on, dt.time(12)))
        - dt.timedelta(days=rng.randint(10, 60)),
        registered_by=user,
    )
    if industries:
        registration.interests.set(rng.sample(industries, k=min(2, len(industries))))
    return Badge.objects.create(registration=registration, issued_at=registration.registered_at)


def _seed_session(session: FairSession, users: dict, rng: random.Random, today: dt.date) -> int:
    operator = _user(users, "operator")
    industries = list(session.phases.first().industries.all()) if session.phases.exists() else []
    points = []
    for name, name_zh, location in POINTS:
        point, _created = ServicePoint.objects.get_or_create(
            session=session, name=name, defaults={"name_zh": name_zh, "location": location}
        )
        if operator is not None:
            point.staff.add(operator)
        points.append(point)
    badges = []
    for local in DEMO_BUYERS:
        user = _user(users, local)
        membership = Membership.objects.filter(user=user).select_related("company").first() if user else None
        if membership is not None:
            badges.append(
                _register(
                    session,
                    RegistrationRole.BUYER,
                    user=user,
                    company=membership.company,
                    full_name=user.get_full_name() or user.email,
                    rng=rng,
                    industries=industries,
                )
            )
    for local in DEMO_STAFF:
        user = _user(users, local)
        membership = Membership.objects.filter(user=user).select_related("company").first() if user else None
        if membership is not None:
            badges.append(
                _register(
                    session,
                    RegistrationRole.EXHIBITOR_STAFF,
                    user=user,
                    company=membership.company,
                    full_name=user.get_full_name() or user.email,
                    rng=rng,
                    industries=(),
                )
            )
    directory = list(
        Company.objects.buyers()
        .exclude(pk__in=[b.registration.company_id for b in badges])
        .exclude(slug__startswith=SCALE_SLUG_PREFIX)
        .order_by("pk")[:200]
    )
    first_names = ("Anna", "Lukas", "Sofia", "Omar", "Priya", "Mateo", "Chloé", "Kenji", "Amara", "Ivan")
    last_names = (
        "Weber",
        "Rossi",
        "Haddad",
        "Novak",
        "Silva",
        "Tanaka",
        "Okoro",
        "Larsen",
        "Dubois",
        "Kowalski",
    )
    for company in rng.sample(directory, k=min(DIRECTORY_BUYERS, len(directory))):
        name = f"{rng.choice(first_names)} {rng.choice(last_names)}"
        badges.append(
            _register(
                session,
                RegistrationRole.BUYER,
                company=company,
                full_name=name,
                rng=rng,
                industries=industries,
            )
        )
    if session.ends_on < today:
        _check_ins(session, badges, points[0], operator, rng)
    return len(badges)


def _check_ins(session, badges, point, operator, rng) -> None:
    days = [
        session.starts_on + dt.timedelta(days=n)
        for n in range((session.ends_on - session.starts_on).days + 1)
    ]
    fair_days = [d for d in days if any(p.starts_on <= d <= p.ends_on for p in session.phases.all())] or days
    for badge in badges:
        if badge.registration.user_id is None and rng.random() < 0.15:  # registered, never came
            continue
        came = sorted(rng.sample(fair_days[:5], k=rng.randint(1, 3)))
        for day in came:
            at = timezone.make_aware(dt.datetime.combine(day, dt.time(8, 30))) + dt.timedelta(
                minutes=rng.randint(0, 150)
            )
            CheckIn.objects.create(badge=badge, day=day, at=at, service_point=point, by_user=operator)
            badges_services.record_check_in_fact(badge.registration, day, at)
        first = timezone.make_aware(dt.datetime.combine(came[0], dt.time(9)))
        badges_services.record_attendance_fact(badge.registration, first)


def seed_badges(*, users: dict, seed: int, stage: Callable[..., None] = lambda *a, **k: None) -> int:
    """Registrations, badges, service points and (past session) check-ins; returns the badges added."""
    started = time.monotonic()
    rng = random.Random(f"{seed}:badges")
    today = timezone.localdate()
    added = 0
    for session in FairSession.objects.order_by("starts_on"):
        if session.registrations.exists():
            continue
        with transaction.atomic():
            added += _seed_session(session, users, rng, today)
    stage("fair badges", started, total=Badge.objects.count(), new=added)
    return added
