"""Showcase close and extend, audience revoke and restore, link claim and withdrawal: every move of each
table, the audit trail, the signals after commit and the notifications they carry."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from marketplace.core import audit
from marketplace.core.models import AuditEvent
from marketplace.core.signals import state_changed
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.notifications.models import Notification
from marketplace.showcases import services, signals
from marketplace.showcases.models import (
    SHOWCASE_TRANSITIONS,
    Showcase,
    ShowcaseAccess,
    ShowcaseInvitation,
    showcase_lifecycle,
)
from tests.marketplace.catalog.factories import (
    ShowcaseAccessFactory,
    ShowcaseFactory,
    ShowcaseItemFactory,
    buyer_member,
    supplier_member,
)

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def owner(chapter84):
    return supplier_member()


@pytest.fixture
def seen():
    """Every state_changed sent, as (sender, pk, event, source, target)."""
    moves = []

    def receiver(sender, instance, event, source, target, **kwargs):
        moves.append((sender, instance.pk, event, source, target))

    state_changed.connect(receiver, weak=False)
    yield moves
    state_changed.disconnect(receiver)


def _showcase(owner, state):
    now = timezone.now()
    showcase = ShowcaseFactory(supplier=owner.company, created_by=owner)
    if state == "expired":
        Showcase.objects.filter(pk=showcase.pk).update(valid_until=now - DAY)
    elif state == "closed":
        Showcase.objects.filter(pk=showcase.pk).update(closed_at=now)
    showcase.refresh_from_db()
    assert showcase_lifecycle(showcase) == state
    return showcase


ALLOWED = {
    ("close", "running"),
    ("close", "expired"),
    ("extend", "running"),
    ("extend", "expired"),
    ("extend", "closed"),
}


def test_the_showcase_table():
    assert {(e, s) for e, sources in SHOWCASE_TRANSITIONS.moves.items() for s in sources} == ALLOWED


@pytest.mark.parametrize("state", ["running", "expired", "closed"])
def test_every_close(owner, state, seen, django_capture_on_commit_callbacks):
    showcase = _showcase(owner, state)
    closed_at = showcase.closed_at
    if ("close", state) not in ALLOWED:
        with pytest.raises(TransitionNotAllowed, match="already closed"):
            services.showcase_close(showcase=showcase, by_user=owner)
        showcase.refresh_from_db()
        assert showcase.closed_at == closed_at and not audit.history(showcase).exists()
        return
    with django_capture_on_commit_callbacks(execute=True):
        services.showcase_close(showcase=showcase, by_user=owner)
        assert seen == []
    showcase.refresh_from_db()
    assert showcase.state == "closed"
    entry = audit.history(showcase).get()
    assert entry.action == "showcases.showcase.close"
    assert entry.data == {"event": "close", "from": state, "to": "closed"}
    assert entry.company_id == owner.company.pk
    assert seen == [(Showcase, showcase.pk, "close", state, "closed")]


@pytest.mark.parametrize("state", ["running", "expired", "closed"])
def test_every_extend_reopens(owner, state, seen, django_capture_on_commit_callbacks):
    showcase = _showcase(owner, state)
    before = showcase.valid_until
    new_end = timezone.now() + 10 * DAY
    with django_capture_on_commit_callbacks(execute=True):
        services.showcase_extend(showcase=showcase, by_user=owner, valid_until=new_end)
    showcase.refresh_from_db()
    assert showcase.state == "open" and showcase.valid_until == new_end and showcase.closed_at is None
    entry = audit.history(showcase).get()
    assert entry.action == "showcases.showcase.extend"
    assert entry.data["from"] == state and entry.data["to"] == "running"
    # JSON keeps times to the millisecond.
    assert abs(parse_datetime(entry.data["valid_until_before"]) - before) < datetime.timedelta(milliseconds=1)
    assert abs(parse_datetime(entry.data["valid_until"]) - new_end) < datetime.timedelta(milliseconds=1)
    assert seen == [(Showcase, showcase.pk, "extend", state, "running")]


def test_an_extension_into_the_past_writes_nothing(owner):
    showcase = _showcase(owner, "expired")
    with pytest.raises(Exception, match="future"):
        services.showcase_extend(showcase=showcase, by_user=owner, valid_until=timezone.now() - DAY)
    assert not AuditEvent.objects.exists()


def test_another_supplier_cannot_close_or_extend(owner):
    showcase = _showcase(owner, "running")
    stranger = supplier_member()
    with pytest.raises(PermissionDenied):
        services.showcase_close(showcase=showcase, by_user=stranger)
    with pytest.raises(PermissionDenied):
        services.showcase_extend(showcase=showcase, by_user=stranger, valid_until=timezone.now() + DAY)
    showcase.refresh_from_db()
    assert showcase.state == "open" and not AuditEvent.objects.exists()


# -- the audience --------------------------------------------------------------------------------


def test_revoke_then_restore_an_access(owner, seen, django_capture_on_commit_callbacks):
    showcase = _showcase(owner, "running")
    buyer = buyer_member()
    access = ShowcaseAccessFactory(showcase=showcase, company=buyer.company)
    with django_capture_on_commit_callbacks(execute=True):
        services.access_revoke(access=access, by_user=owner)
    access.refresh_from_db()
    assert access.revoked_at is not None
    # Revoking twice is refused and changes nothing.
    with pytest.raises(TransitionNotAllowed, match="already revoked"):
        services.access_revoke(access=access, by_user=owner)
    with django_capture_on_commit_callbacks(execute=True):
        services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer.company])
    access.refresh_from_db()
    assert access.revoked_at is None
    assert [e.action for e in audit.history(access).order_by("pk")] == [
        "showcases.showcaseaccess.revoke",
        "showcases.showcaseaccess.restore",
    ]
    assert seen == [
        (ShowcaseAccess, access.pk, "revoke", "active", "revoked"),
        (ShowcaseAccess, access.pk, "restore", "revoked", "active"),
    ]


def test_another_supplier_cannot_revoke(owner):
    access = ShowcaseAccessFactory(showcase=_showcase(owner, "running"))
    with pytest.raises(PermissionDenied):
        services.access_revoke(access=access, by_user=supplier_member())
    access.refresh_from_db()
    assert access.revoked_at is None and not AuditEvent.objects.exists()


def test_sharing_is_audited_and_announced_after_commit(owner, django_capture_on_commit_callbacks):
    showcase = _showcase(owner, "running")
    buyer = buyer_member()
    shared = []

    def receiver(sender, showcase, company_ids, actor, **kwargs):
        shared.append((showcase.pk, company_ids, actor))

    signals.showcase_shared.connect(receiver, weak=False)
    try:
        with django_capture_on_commit_callbacks(execute=True):
            services.showcase_share(showcase=showcase, by_user=owner, companies=[buyer.company])
            assert shared == [] and not Notification.objects.exists()
    finally:
        signals.showcase_shared.disconnect(receiver)
    assert shared == [(showcase.pk, [buyer.company.pk], owner)]
    entry = audit.history(showcase).get()
    assert entry.action == "showcases.showcase.share" and entry.data == {"companies": [buyer.company.pk]}
    note = Notification.objects.get(recipient=buyer)
    assert note.title == "A supplier shared a private showcase with you"
    assert note.body == f"{owner.company.name}: {showcase.title}" and note.url == showcase.get_absolute_url()
    assert mail.outbox[-1].to == [buyer.email]


# -- invitation links ----------------------------------------------------------------------------


def _link(owner, showcase, state):
    invitation = services.showcase_invite(showcase=showcase, by_user=owner, email="anna@importer.example")
    now = timezone.now()
    if state == "claimed":
        ShowcaseInvitation.objects.filter(pk=invitation.pk).update(claimed_at=now)
    elif state == "revoked":
        ShowcaseInvitation.objects.filter(pk=invitation.pk).update(revoked_at=now)
    elif state == "expired":
        ShowcaseInvitation.objects.filter(pk=invitation.pk).update(expires_at=now)
    invitation.refresh_from_db()
    assert invitation.state == state
    return invitation


@pytest.mark.parametrize("state", ShowcaseInvitation.State.values)
def test_every_withdrawal_of_a_link(owner, state):
    invitation = _link(owner, _showcase(owner, "running"), state)
    revoked_at = invitation.revoked_at
    if state in ("claimed", "revoked"):
        with pytest.raises(TransitionNotAllowed, match="already opened or withdrawn"):
            services.invitation_revoke(invitation=invitation, by_user=owner)
        invitation.refresh_from_db()
        assert (
            invitation.revoked_at == revoked_at
            and not audit.history(invitation).filter(action="showcases.showcaseinvitation.revoke").exists()
        )
        return
    services.invitation_revoke(invitation=invitation, by_user=owner)
    invitation.refresh_from_db()
    assert invitation.state == "revoked"
    assert audit.history(invitation).first().data == {"event": "revoke", "from": state, "to": "revoked"}


def test_a_link_is_mailed_after_commit_and_its_claim_tells_the_supplier(
    owner, seen, django_capture_on_commit_callbacks
):
    showcase = _showcase(owner, "running")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.showcase_invite(showcase=showcase, by_user=owner, email="anna@importer.example")
        assert mail.outbox == []
    assert audit.history(invitation).get().action == "showcases.showcaseinvitation.create"
    assert mail.outbox[0].to == ["anna@importer.example"]
    assert mail.outbox[0].subject == f"[TrustFair] {owner.company.name} invites you to a private showcase"
    assert invitation.get_absolute_url() in mail.outbox[0].body and showcase.title in mail.outbox[0].body

    buyer = buyer_member()
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_claim(token=invitation.token, user=buyer)
        assert not Notification.objects.filter(recipient=owner).exists()
    invitation.refresh_from_db()
    assert invitation.claimed_by_company == buyer.company
    entry = audit.history(invitation).first()
    assert (entry.action, entry.actor_id) == ("showcases.showcaseinvitation.claim", buyer.pk)
    assert seen == [(ShowcaseInvitation, invitation.pk, "claim", "pending", "claimed")]
    note = Notification.objects.get(recipient=owner)
    assert note.title == "A buyer opened your showcase invitation" and buyer.company.name in note.body


def test_a_refused_claim_writes_nothing(owner):
    showcase = _showcase(owner, "running")
    invitation = services.showcase_invite(showcase=showcase, by_user=owner, email="anna@importer.example")
    buyer = buyer_member()
    ShowcaseAccess.objects.create(showcase=showcase, company=buyer.company, revoked_at=timezone.now())
    with pytest.raises(ShowcaseInvitation.DoesNotExist):
        services.invitation_claim(token=invitation.token, user=buyer)
    invitation.refresh_from_db()
    assert invitation.claimed_at is None
    assert not audit.history(invitation).filter(action="showcases.showcaseinvitation.claim").exists()


def test_an_interest_is_audited_and_tells_the_supplier_after_commit(
    owner, django_capture_on_commit_callbacks
):
    showcase = _showcase(owner, "running")
    item = ShowcaseItemFactory(showcase=showcase)
    buyer = buyer_member()
    with django_capture_on_commit_callbacks(execute=True):
        interest = services.interest_create(
            showcase=showcase, item=item, company=buyer.company, user=buyer, quantity=40
        )
        assert not Notification.objects.exists()
    entry = audit.history(interest).get()
    assert (entry.action, entry.company_id) == ("showcases.interest.create", buyer.company.pk)
    note = Notification.objects.get(recipient=owner)
    assert note.body == f"{buyer.company.name}: {item.product.name} × 40"
