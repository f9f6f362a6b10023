"""Applying for pre-shipment financing: what is checked, what is written, who is told."""

from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from marketplace.core.models import AuditEvent
from marketplace.deals.models import Deal, DealState
from marketplace.financing import policy, services
from marketplace.financing.models import ApplicationStatus, FinancingApplication, FinancingKind
from marketplace.financing.signals import application_changed
from marketplace.notifications.models import Notification
from tests.marketplace.deals.factories import agreed_deal
from tests.marketplace.financing.conftest import grade, ordered_deal

pytestmark = pytest.mark.django_db


def errors_of(excinfo) -> dict:
    return (
        excinfo.value.message_dict
        if hasattr(excinfo.value, "error_dict")
        else {"__all__": excinfo.value.messages}
    )


def test_an_application_within_the_ceiling_is_written_with_trustfairs_suggestion(
    world, apply, django_capture_on_commit_callbacks
):
    seen = []
    application_changed.connect(lambda **kw: seen.append(kw["event"]), weak=False, dispatch_uid="t-submit")
    try:
        with django_capture_on_commit_callbacks(execute=True):
            application = apply(amount=Decimal("100000"))
    finally:
        application_changed.disconnect(dispatch_uid="t-submit")
    assert application.status == ApplicationStatus.SUBMITTED
    assert application.kind == FinancingKind.PRE_SHIPMENT
    # Grade A: 80 % of the 125,000 USD order.
    assert application.advance_rate == Decimal("0.8")
    assert application.ceiling == Decimal("100000.00")
    assert application.suggestion["grade"] == "A"
    assert application.suggestion["gating"]["limit"] == "250000.00"
    assert (application.supplier, application.buyer, application.order) == (
        world["supplier"],
        world["buyer"],
        world["order"],
    )
    assert seen == ["submit"]
    event = AuditEvent.objects.get(action="financing.application.submit")
    assert event.company_id == world["supplier"].pk and event.data["amount"] == "100000"
    # The bank's risk officer is told; nobody at the buyer is, and the deal's record is untouched.
    assert Notification.objects.filter(recipient=world["bank_officer"]).count() == 1
    assert not Notification.objects.filter(recipient=world["buyer_user"]).exists()
    assert not Notification.objects.filter(recipient=world["other_bank_officer"]).exists()
    assert Deal.objects.get(pk=world["deal"].pk).record_length == world["deal"].record_length


def test_the_amount_may_not_exceed_the_advance_rate_times_the_order_value(world, apply):
    with pytest.raises(ValidationError) as excinfo:
        apply(amount=Decimal("100000.01"))
    assert "At most 100,000 USD" in errors_of(excinfo)["amount"][0]
    assert not FinancingApplication.objects.exists()


@pytest.mark.parametrize(
    ("code", "ceiling"),
    [("AAA", "112500.00"), ("BBB", "87500.00"), ("B", "62500.00"), ("NR", "50000.00")],
)
def test_the_ceiling_follows_the_grade(world, apply, code, ceiling):
    grade(world["supplier"], code)
    with pytest.raises(ValidationError) as excinfo:
        apply(amount=Decimal(ceiling) + Decimal("0.01"))
    assert "amount" in errors_of(excinfo)
    if code in ("AAA", "BBB"):  # B's (20,000 USD) and the unrated row's (5,000 USD) limits are lower
        assert apply(amount=Decimal(ceiling)).ceiling == Decimal(ceiling)
    else:
        assert "above the" in errors_of(excinfo)["amount"][0] or "At most" in errors_of(excinfo)["amount"][0]


def test_the_credit_limit_caps_the_amount_below_the_ceiling(world, apply):
    grade(world["supplier"], "B")
    with pytest.raises(ValidationError) as excinfo:
        apply(amount=Decimal("20000.01"))
    assert errors_of(excinfo)["amount"] == [
        "This financing would bring the supplier's credit in use to 20,000.01 USD, above the 20,000 USD "
        "limit for grade B."
    ]
    assert apply(amount=Decimal("20000")).ceiling == Decimal("62500.00")


def test_the_advance_rate_never_exceeds_ninety_percent(settings):
    settings.FINANCING_ADVANCE_RATES = {"AAA": "0.99", "NR": "0.2"}
    assert policy.advance_rate("AAA") == Decimal("0.90")
    assert policy.advance_rate("ZZ") == Decimal("0.2")


def test_grades_below_b_get_no_financing(world, apply):
    grade(world["supplier"], "CCC")
    with pytest.raises(ValidationError) as excinfo:
        apply(amount=Decimal("1000"))
    assert "suggests no financing for grade CCC" in str(excinfo.value)


def test_a_ceiling_in_another_currency_uses_the_fx_table_and_keeps_the_rate(world, apply):
    application = apply(amount=Decimal("1000"), currency="EUR")
    assert application.currency == "EUR"
    assert application.fx_date is not None and application.fx_rate > 0
    assert application.ceiling == (Decimal("100000") * application.fx_rate).quantize(
        Decimal("0.01"), rounding="ROUND_DOWN"
    )


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"term_days": 181}, "term_days"),
        ({"term_days": 0}, "term_days"),
        ({"currency": "XYZ"}, "currency"),
        ({"amount": Decimal("0")}, "amount"),
        ({"amount": Decimal("10.001")}, "amount"),
        ({"kind": FinancingKind.POST_SHIPMENT}, "kind"),
    ],
)
def test_bad_input_is_refused_at_its_field(world, apply, changes, field):
    with pytest.raises(ValidationError) as excinfo:
        apply(**changes)
    assert field in errors_of(excinfo)
    assert not FinancingApplication.objects.exists()


def test_only_a_partner_bank_can_be_asked(world, apply):
    with pytest.raises(ValidationError) as excinfo:
        apply(bank=world["insurer"])
    assert "bank" in errors_of(excinfo)


@pytest.mark.parametrize("state", [DealState.AGREED, DealState.SHIPPED, DealState.CANCELLED])
def test_only_a_confirmed_order_not_yet_shipped_can_be_financed(world, apply, state):
    Deal.objects.filter(pk=world["deal"].pk).update(state=state)
    with pytest.raises(ValidationError) as excinfo:
        apply()
    assert "confirmed order" in str(excinfo.value)


def test_a_deal_without_an_order_cannot_be_financed(world, apply):
    deal = agreed_deal(buyer=world["buyer"], supplier=world["supplier"])
    with pytest.raises(ValidationError):
        apply(deal=deal)


def test_no_second_open_application_for_the_same_order(world, apply):
    first = apply(amount=Decimal("20000"))
    with pytest.raises(ValidationError) as excinfo:
        apply(amount=Decimal("20000"), bank=world["other_bank"])
    assert "already has an open financing application" in str(excinfo.value)
    # Once the first is closed (withdrawn), the order may be financed again.
    services.withdraw(application=first, by_user=world["supplier_user"])
    assert apply(amount=Decimal("20000"), bank=world["other_bank"]).status == ApplicationStatus.SUBMITTED


@pytest.mark.parametrize(
    "who", ["buyer_user", "other_supplier_user", "bank_officer", "platform_risk", "operator"]
)
def test_only_the_deals_supplier_may_apply(world, apply, who):
    with pytest.raises(PermissionDenied):
        apply(by_user=world[who])


def test_the_supplier_cannot_finance_another_suppliers_deal(world, apply):
    other_deal, _order = ordered_deal(world["buyer"], world["other_supplier_user"].company)
    with pytest.raises(PermissionDenied):
        apply(deal=other_deal)


def test_each_person_is_told_in_their_own_language(world, apply):
    officer = world["bank_officer"]
    officer.preferred_language = "zh-hans"
    officer.save(update_fields=["preferred_language"])
    application = apply(amount=Decimal("1000"))
    note = Notification.objects.get(recipient=officer)
    assert note.title == f"新的融资申请 {application.number}"
    assert note.body == f"{world['supplier'].name} 申请 1000 USD，期限 90 天。"
