from functools import partial

from allauth.account.adapter import DefaultAccountAdapter
from allauth.core import context as allauth_context
from django.contrib.sites.shortcuts import get_current_site
from django.db import transaction

from marketplace.notifications.tasks import send_rendered_email


class AccountAdapter(DefaultAccountAdapter):
    """After sign-in, remember the person's saved language for this session; send account emails in the
    background."""

    def login(self, request, user):
        super().login(request, user)
        if user.preferred_language:
            request.session["preferred_language"] = user.preferred_language

    def send_mail(self, template_prefix: str, email: str, context: dict) -> None:
        """Render the message now (it needs the request), hand the sending to the task queue after commit:
        a sign-up no longer waits on the mail server."""
        request = allauth_context.request
        ctx = {"request": request, "email": email, "current_site": get_current_site(request), **context}
        message = self.render_mail(template_prefix, email, ctx)
        html = next((body for body, mime in getattr(message, "alternatives", []) if mime == "text/html"), "")
        transaction.on_commit(
            partial(
                send_rendered_email.enqueue,
                subject=message.subject,
                body=message.body,
                html=html,
                to=list(message.to),
                from_email=message.from_email,
                content_subtype=message.content_subtype,
            )
        )
