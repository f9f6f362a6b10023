"""Financing counts in the supplier's credit exposure, and gating's limit applies to it."""

from decimal import Decimal

import pytest
from django.conf import settings
from django.utils import timezone

from credit import gating
from marketplace.financing import exposure, services
from tests.marketplace.financing.conftest import grade, ordered_deal

pytestmark = pytest.mark.django_db


def items(company):
    return sorted(exposure.outstanding(company))


def test_the_financing_callable_is_one_of_the_credit_exposure_sources():
    assert "marketplace.financing.exposure.outstanding" in settings.CREDIT_EXPOSURE
    assert "marketplace.deals.exposure.outstanding" in settings.CREDIT_EXPOSURE


def test_exposure_follows_the_application_from_request_to_repayment(world, apply):
    officer = world["bank_officer"]
    supplier = world["supplier"]
    assert items(supplier) == []
    application = apply(amount=Decimal("80000"))
    assert items(supplier) == [(Decimal("80000"), "USD")]  # asked for: counts while the bank decides
    services.counter(
        application=application, by_user=officer, amount=Decimal("70000"), rate=Decimal(6), term_days=60
    )
    assert items(supplier) == [(Decimal("70000"), "USD")]
    services.accept_counter(application=application, by_user=world["supplier_user"])
    assert items(supplier) == [(Decimal("70000"), "USD")]
    day = timezone.localdate()
    services.disburse(application=application, by_user=officer, amount=Decimal("65000"), disbursed_on=day)
    assert items(supplier) == [(Decimal("65000"), "USD")]
    services.record_repayment(application=application, by_user=officer, amount=Decimal("15000"), paid_on=day)
    assert items(supplier) == [(Decimal("50000"), "USD")]
    # Gating reads it through CREDIT_EXPOSURE, beside the trade exposure.
    assert (Decimal("50000"), "USD") in gating.exposure_items(supplier)
    decision = gating.decide(supplier, "open_account", Decimal("1000"), "USD", term_days=30)
    assert decision.exposure_before == Decimal("50000.00")
    services.record_repayment(application=application, by_user=officer, amount=Decimal("50000"), paid_on=day)
    assert items(supplier) == []


def test_declined_and_withdrawn_applications_count_nothing(world, apply):
    first = apply(amount=Decimal("10000"))
    services.decline(application=first, by_user=world["bank_officer"], reason="Not now.")
    second = apply(amount=Decimal("10000"))
    services.withdraw(application=second, by_user=world["supplier_user"])
    assert items(world["supplier"]) == []


def test_financing_in_use_lowers_what_the_next_application_may_ask(world, apply):
    grade(world["supplier"], "BB")  # limit 50,000 USD
    apply(amount=Decimal("30000"))
    deal, _order = ordered_deal(world["buyer"], world["supplier"])
    with pytest.raises(Exception) as excinfo:
        apply(deal=deal, amount=Decimal("20000.01"))
    assert "above the 50,000 USD limit for grade BB" in str(excinfo.value)
    assert apply(deal=deal, amount=Decimal("20000")).amount == Decimal("20000")
