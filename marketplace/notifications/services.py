"""The one place every app uses to tell people something: an in-app entry, and an email after commit.

Services do not call these: they change state and send a domain signal after commit, and each app's
`receivers.py` turns the signals it cares about into notifications here (this app sits below every
trade app, so it never imports them).
"""

from collections.abc import Iterable
from functools import partial

from django.db import transaction
from django.utils import timezone, translation

from marketplace.notifications.models import Notification
from marketplace.notifications.tasks import send_email, send_notification_email


def notify(*, recipients: Iterable, title: str, body: str = "", url: str = "", email: bool = True) -> list:
    """Store a notification for each recipient and email it once the transaction commits.

    `title` and `body` may be lazy translations: each is rendered in the recipient's language.
    """
    created = []
    for user in recipients:
        with translation.override(getattr(user, "preferred_language", "") or "en"):
            created.append(Notification(recipient=user, title=str(title), body=str(body), url=url))
    created = Notification.objects.bulk_create(created)
    if email:
        for notification in created:
            transaction.on_commit(partial(send_notification_email.enqueue, notification.pk))
    return created


def email_address(*, to: str, subject: str, message: str) -> None:
    """Email someone who has no account yet (an invitation), in the background once the transaction commits."""
    transaction.on_commit(partial(send_email.enqueue, to=to, subject=str(subject), message=str(message)))


def notification_mark_read(*, user, notification_id: int | None = None) -> int:
    """Mark one of the user's notifications, or all of them, read; returns how many changed."""
    qs = Notification.objects.filter(recipient=user, read_at__isnull=True)
    if notification_id is not None:
        qs = qs.filter(pk=notification_id)
    return qs.update(read_at=timezone.now())


def unread_count(user) -> int:
    return Notification.objects.filter(recipient=user, read_at__isnull=True).count()
