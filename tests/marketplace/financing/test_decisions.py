"""The bank's decisions (approve, counter, decline) and the supplier's answers, with who may take each."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.core.models import AuditEvent
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.financing import services
from marketplace.financing.models import ApplicationStatus
from marketplace.financing.signals import application_changed
from marketplace.notifications.models import Notification
from tests.marketplace.financing.conftest import grade

pytestmark = pytest.mark.django_db


def terms(**kwargs):
    return {"amount": Decimal("60000"), "rate": Decimal("6.5"), "term_days": 90, **kwargs}


def test_the_bank_approves_within_the_ceiling_and_both_sides_are_told(
    world, apply, django_capture_on_commit_callbacks
):
    application = apply(amount=Decimal("60000"))
    Notification.objects.all().delete()
    seen = []
    application_changed.connect(lambda **kw: seen.append(kw["event"]), weak=False, dispatch_uid="t-approve")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            approved = services.approve(application=application, by_user=world["bank_officer"], **terms())
    finally:
        application_changed.disconnect(dispatch_uid="t-approve")
    assert approved.status == ApplicationStatus.APPROVED
    assert (approved.offer_amount, approved.offer_rate, approved.offer_term_days) == (
        Decimal("60000"),
        Decimal("6.500"),
        90,
    )
    assert approved.decided_by == world["bank_officer"]
    assert seen == ["approve"]
    event = AuditEvent.objects.get(action="financing.application.approve")
    assert event.data["from"] == "submitted" and event.data["to"] == "approved"
    assert Notification.objects.filter(recipient=world["supplier_user"]).count() == 1
    assert Notification.objects.filter(recipient=world["bank_officer"]).count() == 1
    assert not Notification.objects.filter(recipient=world["buyer_user"]).exists()


def test_the_bank_cannot_approve_above_the_ceiling(world, apply):
    application = apply(amount=Decimal("60000"))
    with pytest.raises(ValidationError) as excinfo:
        services.approve(
            application=application, by_user=world["bank_officer"], **terms(amount=Decimal("100000.01"))
        )
    assert "ceiling of 100,000 USD" in excinfo.value.message_dict["amount"][0]
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED and application.offer_amount is None


def test_approving_more_than_was_asked_must_fit_the_suppliers_limit(world, apply):
    grade(world["supplier"], "BB")  # limit 50,000 USD; ceiling 60 % of 125,000 = 75,000
    application = apply(amount=Decimal("40000"))
    with pytest.raises(ValidationError) as excinfo:
        services.approve(
            application=application, by_user=world["bank_officer"], **terms(amount=Decimal("50000.01"))
        )
    assert "above the 50,000 USD limit" in excinfo.value.message_dict["amount"][0]
    approved = services.approve(
        application=application, by_user=world["bank_officer"], **terms(amount=Decimal("50000"))
    )
    assert approved.offer_amount == Decimal("50000")


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_days": 181}, "term_days"),
        ({"rate": Decimal("-1")}, "rate"),
        ({"amount": Decimal("0")}, "amount"),
    ],
)
def test_bad_terms_are_refused_at_their_field(world, apply, changes, field):
    application = apply()
    with pytest.raises(ValidationError) as excinfo:
        services.approve(application=application, by_user=world["bank_officer"], **terms(**changes))
    assert field in excinfo.value.message_dict


@pytest.mark.parametrize(
    "who",
    ["other_bank_officer", "insurer_officer", "bank_clerk", "platform_risk", "supplier_user", "buyer_user"],
)
def test_only_the_risk_officer_of_the_bank_applied_to_decides(world, apply, who):
    application = apply()
    for decide in (
        lambda: services.approve(application=application, by_user=world[who], **terms()),
        lambda: services.counter(application=application, by_user=world[who], **terms()),
        lambda: services.decline(application=application, by_user=world[who], reason="No."),
    ):
        with pytest.raises(PermissionDenied):
            decide()
    application.refresh_from_db()
    assert application.status == ApplicationStatus.SUBMITTED


def test_a_counter_offer_accepted_by_the_supplier_is_approved(world, apply):
    application = apply(amount=Decimal("80000"))
    countered = services.counter(
        application=application, by_user=world["bank_officer"], **terms(amount=Decimal("70000"), term_days=60)
    )
    assert countered.status == ApplicationStatus.COUNTERED
    with pytest.raises(PermissionDenied):
        services.accept_counter(application=countered, by_user=world["bank_officer"])
    with pytest.raises(PermissionDenied):
        services.accept_counter(application=countered, by_user=world["other_supplier_user"])
    accepted = services.accept_counter(application=countered, by_user=world["supplier_staff"])
    assert accepted.status == ApplicationStatus.APPROVED
    assert (accepted.offer_amount, accepted.offer_term_days, accepted.answered_by) == (
        Decimal("70000"),
        60,
        world["supplier_staff"],
    )
    assert AuditEvent.objects.filter(action="financing.application.accept_counter").exists()


def test_a_counter_offer_declined_by_the_supplier_closes_the_application(world, apply):
    application = apply(amount=Decimal("80000"))
    services.counter(application=application, by_user=world["bank_officer"], **terms())
    declined = services.decline_counter(application=application, by_user=world["supplier_user"])
    assert declined.status == ApplicationStatus.COUNTER_DECLINED
    assert not declined.is_open
    # The order is free for a new application.
    assert apply(amount=Decimal("1000")).status == ApplicationStatus.SUBMITTED


def test_the_bank_declines_with_a_reason_the_supplier_reads(world, apply):
    application = apply()
    with pytest.raises(ValidationError) as excinfo:
        services.decline(application=application, by_user=world["bank_officer"], reason="  ")
    assert "reason" in excinfo.value.message_dict
    declined = services.decline(
        application=application, by_user=world["bank_officer"], reason="Exposure to this sector is full."
    )
    assert declined.status == ApplicationStatus.DECLINED
    assert declined.decline_reason == "Exposure to this sector is full."
    note = Notification.objects.filter(recipient=world["supplier_user"]).latest("pk")
    assert note.body == "Exposure to this sector is full."


def test_a_decided_application_cannot_be_decided_again(world, apply):
    application = apply()
    services.approve(application=application, by_user=world["bank_officer"], **terms())
    with pytest.raises(TransitionNotAllowed):
        services.decline(application=application, by_user=world["bank_officer"], reason="Changed my mind")
    with pytest.raises(TransitionNotAllowed):
        services.accept_counter(application=application, by_user=world["supplier_user"])
    with pytest.raises(TransitionNotAllowed):
        services.withdraw(application=application, by_user=world["supplier_user"])
