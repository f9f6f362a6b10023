"""What every page needs to draw role-aware navigation, computed once per request.

The membership (with its company) and the unread-notification count are kept in the cache for each
person for `NAV_SECONDS`, so the chrome of a page costs no query: a membership saved or deleted, or
a notification saved, drops that person's entry at once. Notifications made in bulk (no signal) show
in the count within `NAV_SECONDS`; the notification pages themselves always count afresh, so the
count is right again after marking them read.
"""

from django.core.cache import cache
from django.db.models.signals import post_delete, post_save

from marketplace.notifications.models import Notification
from marketplace.notifications.services import unread_count

from .models import Company, Membership

NAV_SECONDS = 30


def nav_key(user_id: int) -> str:
    return f"nav:{user_id}"


def viewer(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {"viewer_company": None}
    match = getattr(request, "resolver_match", None)
    fresh = match is not None and match.app_name == "notifications"
    data = None if fresh else cache.get(nav_key(user.pk))
    if data is None:
        membership = getattr(request, "membership", None) or user.membership
        data = (membership, unread_count(user))
        cache.set(nav_key(user.pk), data, NAV_SECONDS)
    membership, unread = data
    return {
        "viewer_company": membership.company if membership else None,
        "viewer_membership": membership,
        "unread_notifications": unread,
    }


def _forget_membership(sender, instance, **kwargs):
    cache.delete(nav_key(instance.user_id))


def _forget_notification(sender, instance, **kwargs):
    cache.delete(nav_key(instance.recipient_id))


post_save.connect(_forget_membership, sender=Membership, dispatch_uid="companies:nav:membership:save")
post_delete.connect(_forget_membership, sender=Membership, dispatch_uid="companies:nav:membership:delete")
post_save.connect(_forget_notification, sender=Notification, dispatch_uid="companies:nav:notification:save")


def _forget_members(sender, instance, **kwargs):
    cache.delete_many([nav_key(pk) for pk in instance.memberships.values_list("user_id", flat=True)])


post_save.connect(_forget_members, sender=Company, dispatch_uid="companies:nav:company:save")
