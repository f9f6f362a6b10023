"""Writes to fair sessions: phases decide a session's dates."""

from django.db import transaction
from django.db.models import Max, Min

from marketplace.fairs.models import FairSession


@transaction.atomic
def session_sync_dates(*, session: FairSession) -> FairSession:
    """Set the session's first and last day from its phases."""
    span = session.phases.aggregate(start=Min("starts_on"), end=Max("ends_on"))
    if span["start"]:
        session.starts_on, session.ends_on = span["start"], span["end"]
        session.save(update_fields=["starts_on", "ends_on"])
    return session
