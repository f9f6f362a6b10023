"""Disbursement and repayment as the bank records them; overdue repayments notify and become credit facts."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import timezone

from credit.models import Fact
from marketplace.core.transitions import TransitionNotAllowed
from marketplace.financing import services
from marketplace.financing.models import ApplicationStatus, FinancingApplication, Repayment
from marketplace.notifications.models import Notification

pytestmark = pytest.mark.django_db

TODAY = dt.date.today


@pytest.fixture
def approved(world, apply):
    """An application approved for 60,000 USD over 30 days, made 100 days ago."""
    application = apply(amount=Decimal("60000"))
    FinancingApplication.objects.filter(pk=application.pk).update(
        created_at=timezone.now() - dt.timedelta(days=100)
    )
    return services.approve(
        application=application,
        by_user=world["bank_officer"],
        amount=Decimal("60000"),
        rate=Decimal("7"),
        term_days=30,
    )


def disburse(world, application, on, amount=Decimal("60000")):
    return services.disburse(
        application=application, by_user=world["bank_officer"], amount=amount, disbursed_on=on
    )


def test_disbursement_sets_the_repayment_due_date(world, approved):
    day = timezone.localdate() - dt.timedelta(days=10)
    disbursed = disburse(world, approved, day)
    assert disbursed.status == ApplicationStatus.DISBURSED
    assert disbursed.disbursed_amount == Decimal("60000") and disbursed.disbursed_on == day
    assert disbursed.due_date == day + dt.timedelta(days=30)
    assert disbursed.outstanding == Decimal("60000")
    assert Notification.objects.filter(recipient=world["supplier_user"], title__contains="disbursed").exists()


@pytest.mark.parametrize(
    ("amount", "days_ago", "field"),
    [
        (Decimal("60000.01"), 1, "amount"),
        (Decimal("1000"), -1, "disbursed_on"),
        (Decimal("1000"), 101, "disbursed_on"),
    ],
)
def test_a_disbursement_above_the_approval_or_out_of_time_is_refused(
    world, approved, amount, days_ago, field
):
    with pytest.raises(ValidationError) as excinfo:
        disburse(world, approved, timezone.localdate() - dt.timedelta(days=days_ago), amount)
    assert field in excinfo.value.message_dict
    approved.refresh_from_db()
    assert approved.status == ApplicationStatus.APPROVED


def test_only_the_bank_records_money_and_only_after_approval(world, apply, approved):
    with pytest.raises(PermissionDenied):
        services.disburse(
            application=approved,
            by_user=world["supplier_user"],
            amount=Decimal(1),
            disbursed_on=timezone.localdate(),
        )
    with pytest.raises(PermissionDenied):
        services.disburse(
            application=approved,
            by_user=world["other_bank_officer"],
            amount=Decimal(1),
            disbursed_on=timezone.localdate(),
        )
    with pytest.raises(TransitionNotAllowed):
        services.record_repayment(
            application=approved,
            by_user=world["bank_officer"],
            amount=Decimal(1),
            paid_on=timezone.localdate(),
        )


def test_repayments_in_part_then_in_full_settle_the_financing(world, approved):
    day = timezone.localdate() - dt.timedelta(days=20)
    application = disburse(world, approved, day)
    services.record_repayment(
        application=application, by_user=world["bank_officer"], amount=Decimal("20000"), paid_on=day
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.DISBURSED
    assert application.outstanding == Decimal("40000")
    with pytest.raises(ValidationError) as excinfo:
        services.record_repayment(
            application=application, by_user=world["bank_officer"], amount=Decimal("40000.01"), paid_on=day
        )
    assert "Only 40,000 USD is outstanding." in excinfo.value.message_dict["amount"]
    with pytest.raises(PermissionDenied):
        services.record_repayment(
            application=application, by_user=world["supplier_user"], amount=Decimal("1"), paid_on=day
        )
    services.record_repayment(
        application=application,
        by_user=world["bank_officer"],
        amount=Decimal("40000"),
        paid_on=timezone.localdate(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REPAID
    assert application.outstanding == 0 and application.repaid_on == timezone.localdate()
    assert list(Repayment.objects.filter(application=application).values_list("amount", flat=True)) == [
        Decimal("20000"),
        Decimal("40000"),
    ]
    # Repaid on time: no late-payment fact.
    assert not Fact.objects.filter(kind="payment_late", subject=world["supplier"]).exists()


def test_an_overdue_repayment_notifies_both_sides_and_becomes_a_credit_fact_once(world, approved):
    today = timezone.localdate()
    application = disburse(world, approved, today - dt.timedelta(days=95))  # due 65 days ago
    Notification.objects.all().delete()
    assert services.refresh_overdue(today - dt.timedelta(days=55)) == {"overdue": 1, "serious": 0}
    application.refresh_from_db()
    assert application.status == ApplicationStatus.OVERDUE
    fact = Fact.objects.get(kind="payment_late", subject=world["supplier"])
    assert fact.external_ref == f"financing:{application.pk}:overdue"
    assert fact.amount == Decimal("60000") and fact.payload["days_late"] == 10
    assert (
        Notification.objects.filter(recipient=world["supplier_user"], title__contains="overdue").count() == 1
    )
    assert (
        Notification.objects.filter(recipient=world["bank_officer"], title__contains="overdue").count() == 1
    )
    assert not Notification.objects.filter(recipient=world["buyer_user"]).exists()
    # Later runs do not repeat it.
    assert services.refresh_overdue(today - dt.timedelta(days=30)) == {"overdue": 0, "serious": 0}
    assert Fact.objects.filter(kind="payment_late", subject=world["supplier"]).count() == 1
    assert Notification.objects.filter(recipient=world["supplier_user"]).count() == 1


def test_ninety_days_overdue_is_recorded_once_more_as_a_serious_delinquency(world, approved):
    today = timezone.localdate()
    FinancingApplication.objects.filter(pk=approved.pk).update(
        created_at=timezone.now() - dt.timedelta(days=200)
    )
    application = disburse(world, approved, today - dt.timedelta(days=130))  # due 100 days ago
    assert services.refresh_overdue(today) == {"overdue": 1, "serious": 1}
    assert services.refresh_overdue(today) == {"overdue": 0, "serious": 0}
    refs = set(
        Fact.objects.filter(kind="payment_late", subject=world["supplier"]).values_list(
            "external_ref", flat=True
        )
    )
    assert refs == {f"financing:{application.pk}:overdue", f"financing:{application.pk}:overdue90"}


def test_a_late_repayment_is_a_late_payment_fact_with_its_days(world, approved):
    disbursed_on = timezone.localdate() - dt.timedelta(days=45)
    application = disburse(world, approved, disbursed_on)  # due 15 days ago
    services.refresh_overdue(timezone.localdate())
    services.record_repayment(
        application=application,
        by_user=world["bank_officer"],
        amount=Decimal("60000"),
        paid_on=timezone.localdate(),
    )
    application.refresh_from_db()
    assert application.status == ApplicationStatus.REPAID
    late = Fact.objects.filter(kind="payment_late", subject=world["supplier"]).order_by("pk")
    assert [f.payload["days_late"] for f in late] == [15, 15]
    assert late.last().external_ref.endswith(":late")


def test_the_daily_command_runs_the_check(world, approved, capsys):
    disburse(world, approved, timezone.localdate() - dt.timedelta(days=31))
    call_command("check_repayments")
    assert "1 financings became overdue" in capsys.readouterr().out
