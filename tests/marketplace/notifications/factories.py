"""factory_boy factories for every model of the notifications app."""

import factory

from marketplace.notifications.models import Notification
from tests.marketplace.companies.factories import UserFactory


class NotificationFactory(factory.django.DjangoModelFactory):
    """An unread notification; pass `read_at=` for a read one."""

    class Meta:
        model = Notification

    recipient = factory.SubFactory(UserFactory)
    title = factory.Sequence(lambda n: f"Something happened {n}")
    body = "Open it to see what."
    url = "/"
