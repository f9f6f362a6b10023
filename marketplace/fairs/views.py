from django.shortcuts import get_object_or_404, render

from marketplace.companies.permissions import is_operator
from marketplace.fairs import selectors, session_stats
from marketplace.fairs.models import FairSession


def session_list(request):
    return render(
        request,
        "fairs/session_list.html",
        {
            "current": selectors.current_session(),
            "upcoming": selectors.next_session(),
            "past": selectors.past_sessions()[:10],
        },
    )


def session_detail(request, slug):
    session = get_object_or_404(FairSession, slug=slug)
    phases = session.phases.prefetch_related("industries")
    # Operators see what the session's floor did for meetings.
    meetings = session_stats.meeting_statistics(session) if is_operator(request.user) else None
    return render(
        request,
        "fairs/session_detail.html",
        {"session": session, "phases": phases, "halls": session.halls.all(), "meetings": meetings},
    )
