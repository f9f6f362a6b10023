from django.shortcuts import get_object_or_404, render

from marketplace.fairs import selectors
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
    return render(
        request,
        "fairs/session_detail.html",
        {"session": session, "phases": phases, "halls": session.halls.all()},
    )
