"""What every page needs to draw role-aware navigation, computed once per request."""

from marketplace.notifications.services import unread_count


def viewer(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"viewer_company": None}
    membership = user.membership
    return {
        "viewer_company": membership.company if membership else None,
        "viewer_membership": membership,
        "unread_notifications": unread_count(user),
    }
