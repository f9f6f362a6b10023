"""Email delivery runs in the background so a slow mail server never slows a page."""

from django.core.mail import EmailMultiAlternatives, send_mail
from django.tasks import task

from marketplace.core.links import absolute_url
from marketplace.notifications.models import Notification


@task()
def send_notification_email(notification_id: int) -> None:
    notification = Notification.objects.select_related("recipient").get(pk=notification_id)
    link = f"\n\n{absolute_url(notification.url)}" if notification.url else ""
    send_mail(
        subject=f"[TrustFair] {notification.title}",
        message=f"{notification.body}{link}",
        from_email=None,
        recipient_list=[notification.recipient.email],
    )


@task()
def send_email(*, to: str, subject: str, message: str) -> None:
    """A message to an address with no account behind it yet (an invitation to join)."""
    send_mail(subject=f"[TrustFair] {subject}", message=message, from_email=None, recipient_list=[to])


@task()
def send_rendered_email(
    *,
    subject: str,
    body: str,
    to: list[str],
    from_email: str | None,
    html: str = "",
    content_subtype: str = "plain",
) -> None:
    """An email rendered in the request (account emails from allauth), sent here, off the request."""
    message = EmailMultiAlternatives(subject=subject, body=body, from_email=from_email, to=to)
    message.content_subtype = content_subtype
    if html:
        message.attach_alternative(html, "text/html")
    message.send()
