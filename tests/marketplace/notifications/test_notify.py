import pytest
from django.core import mail
from django.urls import reverse
from django.utils.translation import gettext_lazy

from marketplace.notifications.models import Notification
from marketplace.notifications.services import notify
from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


def test_notify_stores_and_emails_after_commit(django_capture_on_commit_callbacks):
    user = UserFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        notify(recipients=[user], title="Showcase shared", body="Spring ceramics", url="/x/")
    assert Notification.objects.filter(recipient=user, title="Showcase shared").exists()
    assert mail.outbox == []  # nothing leaves before the transaction commits
    for callback in callbacks:
        callback()
    assert mail.outbox[0].to == [user.email] and "Spring ceramics" in mail.outbox[0].body


def test_notify_renders_in_each_recipients_language():
    en, zh = UserFactory(), UserFactory(preferred_language="zh-hans")
    notify(recipients=[en, zh], title=gettext_lazy("Company directory"), email=False)
    assert en.notifications.get().title == "Company directory"
    assert zh.notifications.get().title == "公司名录"


def test_list_shows_only_own_and_marks_read(client):
    me, other = UserFactory(), UserFactory()
    notify(recipients=[me], title="Mine", email=False)
    (theirs,) = notify(recipients=[other], title="Theirs", email=False)
    client.force_login(me)
    html = client.get(reverse("notifications:notification_list")).content.decode()
    assert "Mine" in html and "Theirs" not in html
    # Marking someone else's notification read does nothing.
    client.post(reverse("notifications:notification_read"), {"id": theirs.pk})
    theirs.refresh_from_db()
    assert theirs.read_at is None
    client.post(reverse("notifications:notification_read"))
    assert not me.notifications.filter(read_at__isnull=True).exists()
