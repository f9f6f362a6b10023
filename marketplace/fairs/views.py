from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from marketplace.companies.permissions import is_operator
from marketplace.fairs import selectors, session_stats
from marketplace.fairs.exhibitors_selectors import exhibits_in
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
    company = getattr(request.user, "company", None) if request.user.is_authenticated else None
    return render(
        request,
        "fairs/session_detail.html",
        {
            "session": session,
            "phases": phases,
            "halls": session.halls.all(),
            "meetings": meetings,
            "is_over": session.ends_on < timezone.localdate(),
            "exhibiting": company is not None and company.is_supplier and exhibits_in(company, session),
        },
    )
