"""Verification decisions and staff invitations move along their tables; the company hears after commit."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone

from marketplace.companies import services
from marketplace.companies.models import (
    DOCUMENT_TRANSITIONS,
    DocumentStatus,
    Invitation,
    Membership,
    VerificationDecision,
    VerificationDocument,
)
from marketplace.core import audit
from marketplace.core.models import AuditEvent
from marketplace.core.signals import state_changed
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.notifications.models import Notification
from tests.factories import InvitationFactory, MembershipFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def signals_seen():
    seen = []

    def receiver(sender, instance, event, source, target, **kwargs):
        seen.append((sender, instance.pk, event, source, target))

    state_changed.connect(receiver, weak=False)
    yield seen
    state_changed.disconnect(receiver)


def _document(company, owner, status=DocumentStatus.PENDING, kind="business_licence"):
    return VerificationDocument.objects.create(
        company=company,
        kind=kind,
        original_name="licence.pdf",
        content_type="application/pdf",
        size=10,
        uploaded_by=owner,
        file="verification/licence.pdf",
        status=status,
    )


# (state, approve?) -> (event, new state), for every decision an operator can ask for.
DECISIONS = {
    (DocumentStatus.PENDING, True): ("approve", DocumentStatus.APPROVED),
    (DocumentStatus.PENDING, False): ("reject", DocumentStatus.REJECTED),
    (DocumentStatus.APPROVED, False): ("revoke", DocumentStatus.REJECTED),
}


def test_the_document_table():
    moves = {
        (event, source, target)
        for event, sources in DOCUMENT_TRANSITIONS.moves.items()
        for source, target in sources.items()
    }
    # An operator's decisions, and the platform's own: an approval lapses when its validity ends.
    assert moves == {(event, source, target) for (source, _a), (event, target) in DECISIONS.items()} | {
        ("expire", DocumentStatus.APPROVED, DocumentStatus.EXPIRED)
    }


@pytest.mark.parametrize("status", DocumentStatus.values)
@pytest.mark.parametrize("approve", [True, False])
def test_every_decision(
    supplier_owner, operator, status, approve, signals_seen, django_capture_on_commit_callbacks
):
    company = supplier_owner.company
    document = _document(company, supplier_owner, status=status)
    if (status, approve) not in DECISIONS:
        with pytest.raises(TransitionNotAllowed):
            services.document_decide(document=document, by_user=operator, approve=approve, reason="Blurred.")
        document.refresh_from_db()
        assert document.status == status
        assert not VerificationDecision.objects.exists() and not audit.history(document).exists()
        return
    event, target = DECISIONS[(status, approve)]
    with django_capture_on_commit_callbacks(execute=True):
        decision = services.document_decide(
            document=document, by_user=operator, approve=approve, reason="" if approve else "Blurred."
        )
        assert signals_seen == [] and not Notification.objects.exists()
    document.refresh_from_db()
    company.refresh_from_db()
    assert document.status == target and decision.status == target
    assert company.is_verified is (target == DocumentStatus.APPROVED)
    entry = audit.history(document).get()
    assert entry.action == f"companies.verificationdocument.{event}"
    assert (entry.actor_id, entry.company_id) == (operator.pk, company.pk)
    assert entry.data == {
        "event": event,
        "from": status,
        "to": target,
        "reason": "" if approve else "Blurred.",
        **({"valid_until": None} if approve else {}),
    }
    assert signals_seen == [(VerificationDocument, document.pk, event, status, target)]
    note = Notification.objects.get(recipient=supplier_owner)
    assert ("approved" if approve else "rejected") in note.title
    if not approve:
        assert "Blurred." in note.body
    assert mail.outbox[-1].to == [supplier_owner.email]  # the notification is emailed too


def test_only_an_operator_decides(supplier_owner, risk_officer):
    document = _document(supplier_owner.company, supplier_owner)
    for user in (supplier_owner, risk_officer):
        with pytest.raises(PermissionDenied):
            services.document_decide(document=document, by_user=user, approve=True)
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING and not audit.history(document).exists()


def test_a_rejection_without_reason_writes_nothing(supplier_owner, operator):
    document = _document(supplier_owner.company, supplier_owner)
    with pytest.raises(ValidationError, match="Say why"):
        services.document_decide(document=document, by_user=operator, approve=False, reason="  ")
    assert not AuditEvent.objects.exists()


def test_a_decision_rolled_back_is_never_announced(supplier_owner, operator, signals_seen):
    """The signal waits for the commit: a surrounding transaction that fails takes the notice with it."""
    document = _document(supplier_owner.company, supplier_owner)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.document_decide(document=document, by_user=operator, approve=True)
        raise RuntimeError
    document.refresh_from_db()
    assert document.status == DocumentStatus.PENDING
    assert signals_seen == [] and not Notification.objects.exists() and not AuditEvent.objects.exists()


# -- staff invitations ---------------------------------------------------------------------------


def _invitation(owner, **kwargs):
    return InvitationFactory(company=owner.company, invited_by=owner, **kwargs)


def _in_state(owner, state):
    now = timezone.now()
    return {
        Invitation.State.PENDING: lambda: _invitation(owner),
        Invitation.State.ACCEPTED: lambda: _invitation(owner, accepted_at=now),
        Invitation.State.REVOKED: lambda: _invitation(owner, revoked_at=now),
        Invitation.State.EXPIRED: lambda: _invitation(owner, expires_at=now - datetime.timedelta(minutes=1)),
    }[state]()


@pytest.mark.parametrize("state", Invitation.State.values)
def test_every_revoke_of_an_invitation(supplier_owner, state):
    invitation = _in_state(supplier_owner, state)
    if state != Invitation.State.PENDING:
        with pytest.raises(TransitionNotAllowed, match="Only a pending invitation"):
            services.invitation_revoke(invitation=invitation, by_user=supplier_owner)
        invitation.refresh_from_db()
        assert invitation.state == state and not audit.history(invitation).exists()
        return
    services.invitation_revoke(invitation=invitation, by_user=supplier_owner)
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.REVOKED
    entry = audit.history(invitation).get()
    assert entry.action == "companies.invitation.revoke" and entry.data["to"] == "revoked"


def test_staff_cannot_revoke_an_invitation(supplier_owner):
    staff = MembershipFactory(company=supplier_owner.company, role="staff").user
    invitation = _invitation(supplier_owner)
    with pytest.raises(PermissionDenied):
        services.invitation_revoke(invitation=invitation, by_user=staff)
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.PENDING and not audit.history(invitation).exists()


@pytest.mark.parametrize("state", Invitation.State.values)
def test_every_accept_of_an_invitation(supplier_owner, state, django_capture_on_commit_callbacks):
    invitation = _in_state(supplier_owner, state)
    invitee = UserFactory(email=invitation.email)
    if state != Invitation.State.PENDING:
        with pytest.raises(ValidationError):
            services.invitation_accept(token=invitation.token, user=invitee)
        assert not Membership.objects.filter(user=invitee).exists()
        assert not audit.history(invitation).exists()
        return
    with django_capture_on_commit_callbacks(execute=True):
        services.invitation_accept(token=invitation.token, user=invitee)
        assert not Notification.objects.exists()
    invitation.refresh_from_db()
    assert invitation.state == Invitation.State.ACCEPTED and invitation.accepted_by == invitee
    entry = audit.history(invitation).get()
    assert (entry.action, entry.actor_id) == ("companies.invitation.accept", invitee.pk)
    note = Notification.objects.get(recipient=supplier_owner)
    assert note.title == "An invitation was accepted" and note.body == invitee.email


def test_an_invitation_is_audited_and_its_mail_waits_for_the_commit(
    supplier_owner, django_capture_on_commit_callbacks
):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        invitation = services.invitation_create(
            company=supplier_owner.company, by_user=supplier_owner, email="new@x.example"
        )
        assert mail.outbox == []  # nothing leaves before the commit
    entry = audit.history(invitation).get()
    assert entry.action == "companies.invitation.create"
    assert entry.data == {"email": "new@x.example", "role": "staff"}
    assert [m.to for m in mail.outbox] == [["new@x.example"]]
    assert "Accept the invitation within 7 days" in mail.outbox[0].body
    assert invitation.get_absolute_url() in mail.outbox[0].body
