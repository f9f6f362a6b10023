"""Which fair session is on now, and which comes next."""

import datetime

from django.utils import timezone

from marketplace.fairs.models import FairSession


def current_session(*, today: datetime.date | None = None) -> FairSession | None:
    today = today or timezone.localdate()
    return (
        FairSession.objects.filter(starts_on__lte=today, ends_on__gte=today)
        .prefetch_related("phases")
        .first()
    )


def next_session(*, today: datetime.date | None = None) -> FairSession | None:
    today = today or timezone.localdate()
    return (
        FairSession.objects.filter(starts_on__gt=today)
        .order_by("starts_on")
        .prefetch_related("phases")
        .first()
    )


def past_sessions(*, today: datetime.date | None = None):
    today = today or timezone.localdate()
    return FairSession.objects.filter(ends_on__lt=today).order_by("-starts_on")
