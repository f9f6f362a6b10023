"""What a fair session's floor did for meetings: the meetings booked at its booths' tables and at its hosted
buyer meeting tables — requested, accepted, held, no-shows (operators see it on the session page).

Online meetings belong to no session; they stay in matchmaking's monthly figures.
"""

from django.db.models import Count, Q

from marketplace.fairs.models import ExhibitorApplication, FairSession, HostedTable
from marketplace.matchmaking.models.meetings import AttendanceOutcome, Meeting


def session_tables(session: FairSession) -> list[int]:
    """The ids of the meeting tables of a session: its exhibitors' booths and its hosted events' tables."""
    booths = ExhibitorApplication.objects.filter(phase__session=session, table__isnull=False).values_list(
        "table_id", flat=True
    )
    hosted = HostedTable.objects.filter(event__session=session).values_list("table_id", flat=True)
    return sorted({*booths, *hosted})


def meeting_statistics(session: FairSession) -> dict[str, int]:
    """Meetings at the session's tables: requested, accepted, held, no-shows."""
    return Meeting.objects.filter(table_id__in=session_tables(session)).aggregate(
        requested=Count("pk"),
        accepted=Count("pk", filter=Q(accepted_at__isnull=False)),
        held=Count("pk", filter=Q(outcome=AttendanceOutcome.HELD)),
        no_shows=Count("pk", filter=Q(outcome=AttendanceOutcome.MISSED)),
    )
