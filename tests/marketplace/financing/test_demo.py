"""The demo seeder: one approved, disbursed financing of the demo supplier with the demo bank, once —
and none where the supplier's grade allows none."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from credit.index import current
from marketplace.companies.demo import DEMO_BANK_SLUG, DEMO_SUPPLIER_OWNER
from marketplace.companies.models import User
from marketplace.financing import demo, exposure, policy
from marketplace.financing.models import ApplicationStatus, FinancingApplication
from tests.credit.factories import AssessmentFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def seeded():
    # 20 buyers: enough for the second demo buyer, whose order of presses the demo finances.
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)
    return {u.email: u for u in User.objects.filter(email__endswith="@demo.trustfair.test")}


def test_seed_demo_finances_the_demo_supplier_only_as_far_as_its_grade_allows(seeded):
    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    made = FinancingApplication.objects.filter(supplier=supplier).count()
    assert made == (1 if policy.advance_rate(current(supplier).grade) > 0 else 0)


def test_a_financeable_demo_supplier_gets_one_disbursed_financing_and_reseeding_adds_none(seeded):
    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    FinancingApplication.objects.all().delete()
    latest = current(supplier)
    AssessmentFactory(
        subject=supplier,
        grade="A",
        as_of=latest.as_of + dt.timedelta(days=1),
        model_version=latest.model_version,
    )
    assert demo.seed_financing(users=seeded) == 1
    application = FinancingApplication.objects.get()
    assert application.supplier == supplier and application.bank.slug == DEMO_BANK_SLUG
    assert application.status == ApplicationStatus.DISBURSED
    assert application.deal.subject == demo.DEMO_SUBJECT
    assert 0 < application.amount <= application.ceiling
    assert application.disbursed_amount == application.offer_amount == application.amount
    assert application.due_date is not None
    assert (application.disbursed_amount, application.currency) in exposure.outstanding(supplier)
    assert demo.seed_financing(users=seeded) == 0
    assert FinancingApplication.objects.count() == 1


def test_without_an_ordered_deal_to_finance_the_demo_finances_the_insured_deal_after_shipment(seeded):
    from marketplace.deals.models import Deal, DealState
    from marketplace.financing.models import FinancingKind
    from marketplace.insurance.demo import SUBJECT as INSURED_SUBJECT

    supplier = seeded[DEMO_SUPPLIER_OWNER].company
    FinancingApplication.objects.all().delete()
    latest = current(supplier)
    AssessmentFactory(
        subject=supplier,
        grade="A",
        as_of=latest.as_of + dt.timedelta(days=1),
        model_version=latest.model_version,
    )
    # The presses are shipped: no confirmed order is left to finance before shipment.
    Deal.objects.filter(supplier=supplier, subject=demo.DEMO_SUBJECT).update(state=DealState.SHIPPED)
    assert demo.seed_financing(users=seeded) == 1
    application = FinancingApplication.objects.get()
    assert application.kind == FinancingKind.POST_SHIPMENT and application.deal.subject == INSURED_SUBJECT
    assert application.status == ApplicationStatus.APPROVED and application.bank.slug == DEMO_BANK_SLUG
    assert application.declaration.indemnity_assigned_to == application.bank
    assert application.ceiling <= application.declaration.insured_amount * policy.MAX_ADVANCE
