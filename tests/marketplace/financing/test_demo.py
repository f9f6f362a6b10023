"""The demo seeder: the demo supplier, graded on its own recorded history, gets one disbursed financing
with the demo bank and one waiting in the bank's queue, once."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command

from credit.index import current
from marketplace.companies.demo import DEMO_BANK_SLUG, DEMO_SUPPLIER_OWNER
from marketplace.companies.models import User
from marketplace.core.money import Money
from marketplace.deals.models import Deal, DealState
from marketplace.financing import demo, exposure, policy
from marketplace.financing.models import ApplicationStatus, FinancingApplication, FinancingKind
from marketplace.insurance.demo import SUBJECT as INSURED_SUBJECT
from marketplace.insurance.models import Declaration

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    # 20 buyers: enough for the second demo buyer, whose order of presses the demo finances.
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)
    return {u.email: u for u in User.objects.filter(email__endswith="@demo.trustfair.test")}


def test_the_demo_supplier_earns_a_financeable_grade_from_its_own_history(seeded):
    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    assessment = current(supplier)
    # No grade is set for the demo: the index grades the history demo_history.py records.
    assert not assessment.features["worst_days_late_24m"] or assessment.features["worst_days_late_24m"] < 15
    assert policy.advance_rate(assessment.grade) > 0


def test_seed_demo_finances_one_demo_deal_and_leaves_one_in_the_banks_queue_once(seeded):
    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    made = FinancingApplication.objects.filter(supplier=supplier).order_by("pk")
    assert [(a.deal.subject, a.status) for a in made] == [
        (demo.DEMO_SUBJECT, ApplicationStatus.DISBURSED),
        (INSURED_SUBJECT, ApplicationStatus.SUBMITTED),
    ]
    disbursed, waiting = made
    assert disbursed.bank.slug == waiting.bank.slug == DEMO_BANK_SLUG
    assert 0 < disbursed.amount <= disbursed.ceiling and 0 < waiting.amount <= waiting.ceiling
    assert disbursed.disbursed_amount == disbursed.offer_amount == disbursed.amount
    assert disbursed.due_date is not None
    assert (disbursed.disbursed_amount, disbursed.currency) in exposure.outstanding(supplier)
    assert waiting.kind == FinancingKind.POST_SHIPMENT
    assert waiting.declaration.indemnity_assigned_to == waiting.bank
    # Both fit the supplier's credit limit together, as the policy decides it now.
    suggestion = policy.suggest(
        supplier=supplier, base=Money(Decimal(1), "USD"), currency="USD", amount=Decimal(1)
    )
    assert suggestion.decision.exposure_before <= suggestion.decision.limit
    assert demo.seed_financing(users=seeded) == 0
    assert FinancingApplication.objects.filter(supplier=supplier).count() == 2


def test_without_an_ordered_deal_to_finance_the_demo_finances_the_insured_deal_after_shipment(seeded):
    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    FinancingApplication.objects.all().delete()
    # The seeded post-shipment application had the insured invoice's indemnity assigned to the bank.
    Declaration.objects.update(indemnity_assigned_to=None)
    # The presses are shipped: no confirmed order is left to finance before shipment.
    Deal.objects.filter(supplier=supplier, subject=demo.DEMO_SUBJECT).update(state=DealState.SHIPPED)
    assert demo.seed_financing(users=seeded) >= 1
    application = FinancingApplication.objects.filter(supplier=supplier).get()
    assert application.kind == FinancingKind.POST_SHIPMENT and application.deal.subject == INSURED_SUBJECT
    assert application.status == ApplicationStatus.APPROVED and application.bank.slug == DEMO_BANK_SLUG
    assert application.declaration.indemnity_assigned_to == application.bank
    assert application.ceiling <= application.declaration.insured_amount * policy.MAX_ADVANCE
