"""The insured's duties and the claim, on a frozen calendar: the reminder, the overdue report deadline (cover
stops when it is missed), the maximum extension, the claim after the waiting period, the facts recorded."""

import datetime as dt
from decimal import Decimal
from io import StringIO

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from freezegun import freeze_time

from credit.models import Fact
from credit.outcomes import OUTCOME_FILTER, first_outcomes
from marketplace.deals import milestones
from marketplace.insurance import duties, services
from marketplace.insurance.models import ClaimStatus, CreditLimit, DeclarationStatus, LimitStatus
from marketplace.notifications.models import Notification
from tests.marketplace.insurance.helpers import ordered_deal, rate, ship

pytestmark = pytest.mark.django_db

START = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)


@pytest.fixture
def declared(people):
    """On 2 March: an order on open account 60 days, the limit approved, the shipment declared: due 21 May
    (the agreed shipment date, 20 days after the order, plus 60 days)."""
    with freeze_time(START):
        rate(people["buyer"], "A")
        deal = ordered_deal(
            buyer=people["buyer"],
            supplier=people["supplier"],
            buyer_user=people["buyer_user"],
            supplier_user=people["supplier_user"],
        )
        limit = services.request_cover(deal=deal, insurer=people["insurer"], by_user=people["supplier_user"])
        services.decide_limit(
            limit=limit,
            by_user=people["officer"],
            outcome="approve",
            amount=Decimal("80000"),
            max_term_days=90,
            valid_until=dt.date(2027, 3, 1),
        )
        declaration = services.declare(
            deal=deal, shipment=ship(deal, people["supplier_user"]), by_user=people["supplier_user"]
        )
    assert declaration.due_date == dt.date(2026, 5, 21)
    return declaration


def day(text):
    return freeze_time(dt.datetime.fromisoformat(text).replace(hour=9, tzinfo=dt.UTC))


def titles(user):
    return list(Notification.objects.filter(recipient=user).values_list("title", flat=True))


def test_the_supplier_is_reminded_once_before_the_due_date(declared, people):
    with day("2026-05-13"):
        assert duties.run()["reminded"] == 0
    with day("2026-05-15"):
        assert duties.run()["reminded"] == 1
        assert duties.run()["reminded"] == 0
    assert "An insured invoice falls due soon" in titles(people["supplier_user"])


def test_a_paid_invoice_settles_and_frees_the_limit(declared, people):
    with day("2026-04-28"):
        milestones.confirm_payment(
            milestone=declared.milestone, by_user=people["supplier_user"], paid_on=dt.date(2026, 4, 28)
        )
        assert duties.run()["settled"] == 1
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.SETTLED
    assert CreditLimit.objects.get(pk=declared.limit_id).used == 0


def test_the_overdue_report_is_due_within_30_days_of_the_due_date(declared, people):
    with day("2026-05-21"), pytest.raises(ValidationError):  # not overdue yet
        services.report_overdue(declaration=declared, by_user=people["supplier_user"])
    with day("2026-06-01"):
        with pytest.raises(PermissionDenied):
            services.report_overdue(declaration=declared, by_user=people["buyer_user"])
        services.report_overdue(declaration=declared, by_user=people["supplier_user"])
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.OVERDUE
    # Reported in time: cover holds after the deadline.
    with day("2026-06-25"):
        assert duties.run()["lapsed"] == 0
    assert CreditLimit.objects.get(pk=declared.limit_id).status == LimitStatus.APPROVED


def test_cover_for_the_buyer_stops_when_the_report_is_missed(
    declared, people, django_capture_on_commit_callbacks
):
    with day("2026-06-20"):  # the last day to report
        assert duties.run()["lapsed"] == 0
    with day("2026-06-21"):
        with pytest.raises(ValidationError):
            services.report_overdue(declaration=declared, by_user=people["supplier_user"])
        with django_capture_on_commit_callbacks(execute=True):
            done = duties.run()
        assert done["lapsed"] == 1 and done["stopped"] == 1
        assert duties.run()["lapsed"] == 0
    declared.refresh_from_db()
    limit = CreditLimit.objects.get(pk=declared.limit_id)
    assert declared.status == DeclarationStatus.LAPSED
    assert limit.status == LimitStatus.STOPPED and limit.used == 0
    assert Fact.objects.filter(
        kind="insurance_limit_cut", subject=people["buyer"], external_ref=f"limit:{limit.pk}:stopped"
    ).exists()
    assert "Cover stopped: an overdue invoice was not reported in time" in titles(people["supplier_user"])
    # No more shipments to that buyer are covered.
    second = ordered_deal(
        buyer=people["buyer"],
        supplier=people["supplier"],
        buyer_user=people["buyer_user"],
        supplier_user=people["supplier_user"],
    )
    with pytest.raises(ValidationError):
        services.declare(
            deal=second, shipment=ship(second, people["supplier_user"]), by_user=people["supplier_user"]
        )
    with pytest.raises(ValidationError):
        services.file_claim(declaration=declared, by_user=people["supplier_user"])


def test_past_the_maximum_extension_the_supplier_is_warned_and_new_shipments_are_refused(declared, people):
    with day("2026-05-25"):
        services.report_overdue(declaration=declared, by_user=people["supplier_user"])
    with day("2026-07-20"):  # 60 days after the due date: not yet past it
        assert duties.run()["warned"] == 0
    with day("2026-07-21"):
        assert duties.run()["warned"] == 1
        assert duties.run()["warned"] == 0
        assert "Do not ship more to this buyer: an insured invoice is past the maximum extension" in titles(
            people["supplier_user"]
        )
        second = ordered_deal(
            buyer=people["buyer"],
            supplier=people["supplier"],
            buyer_user=people["buyer_user"],
            supplier_user=people["supplier_user"],
        )
        with pytest.raises(ValidationError) as error:
            services.declare(
                deal=second, shipment=ship(second, people["supplier_user"]), by_user=people["supplier_user"]
            )
    assert "maximum extension" in str(error.value)


def test_the_claim_is_decided_after_the_waiting_period_and_a_paid_claim_is_a_default(declared, people):
    with day("2026-05-25"):
        services.report_overdue(declaration=declared, by_user=people["supplier_user"])
    with day("2026-06-15"):
        claim = services.file_claim(declaration=declared, by_user=people["supplier_user"])
    assert claim.amount == Decimal("50000") and claim.decidable_from == dt.date(2026, 8, 19)
    assert claim.evidence["record_verified"] is True
    assert (
        claim.evidence["record_length"] >= 1 and claim.evidence["shipments"][0]["tracking"] == "MSKU1234567"
    )
    filed = Fact.objects.get(kind="insurance_claim_filed", subject=people["buyer"])
    assert filed.source.source_type == "insurer" and Decimal(filed.payload["amount"]) == Decimal("50000")
    with day("2026-08-18"), pytest.raises(ValidationError):  # the waiting period runs
        services.decide_claim(claim=claim, by_user=people["officer"], pay=True, paid_on=dt.date(2026, 8, 18))
    with day("2026-08-20"):
        with pytest.raises(PermissionDenied):
            services.decide_claim(
                claim=claim, by_user=people["other_officer"], pay=True, paid_on=dt.date(2026, 8, 20)
            )
        claim = services.decide_claim(
            claim=claim, by_user=people["officer"], pay=True, paid_on=dt.date(2026, 8, 20)
        )
    assert claim.status == ClaimStatus.PAID
    assert claim.indemnity_amount == Decimal("45000.00") and claim.debt_assigned_at is not None
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.INDEMNIFIED
    assert CreditLimit.objects.get(pk=declared.limit_id).used == 0
    paid = Fact.objects.get(kind="insurance_claim_paid", subject=people["buyer"])
    assert Decimal(paid.payload["amount"]) == Decimal("45000.00")
    assert Fact.objects.filter(pk=paid.pk).filter(OUTCOME_FILTER).exists()  # credit treats it as a default
    assert people["buyer"].pk in first_outcomes(subject_ids=[people["buyer"].pk])
    last = declared.deal.events.order_by("-seq").first()
    assert last.action == "insurance_claim_paid" and last.data["debt_assigned_to"] == people["insurer"].name


def test_a_rejected_claim_needs_a_reason(declared, people):
    with day("2026-05-25"):
        services.report_overdue(declaration=declared, by_user=people["supplier_user"])
        claim = services.file_claim(declaration=declared, by_user=people["supplier_user"])
    with day("2026-08-25"):
        with pytest.raises(ValidationError):
            services.decide_claim(claim=claim, by_user=people["officer"], pay=False)
        claim = services.decide_claim(
            claim=claim, by_user=people["officer"], pay=False, reason="Goods were disputed"
        )
    assert claim.status == ClaimStatus.REJECTED
    assert not Fact.objects.filter(kind="insurance_claim_paid").exists()


def test_the_daily_command_runs_the_check_once_a_day(declared, people):
    out = StringIO()
    with day("2026-05-15"):
        call_command("check_insurance", stdout=out)
        call_command("check_insurance", stdout=out)
    lines = out.getvalue().splitlines()
    assert lines[0].startswith("0 settled, 1 reminded") and lines[1].startswith("0 settled, 0 reminded")


def test_an_overdue_report_assigns_no_indemnity(declared, people, django_capture_on_commit_callbacks):
    """Reporting an unpaid invoice is not an assignment to a bank: no `indemnity_assigned` is sent."""
    from marketplace.insurance import signals

    sent = []

    def receiver(**kwargs):
        sent.append(kwargs)

    signals.indemnity_assigned.connect(receiver)
    try:
        with day("2026-06-01"), django_capture_on_commit_callbacks(execute=True):
            services.report_overdue(declaration=declared, by_user=people["supplier_user"])
    finally:
        signals.indemnity_assigned.disconnect(receiver)
    declared.refresh_from_db()
    assert declared.status == DeclarationStatus.OVERDUE and declared.indemnity_assigned_to_id is None
    assert sent == []
