"""The insurance demo: the demo buyer's limit with the demo insurer and one declared shipment, seeded once."""

import io

import pytest
from django.core.management import call_command

from marketplace.companies.demo import DEMO_BUYER_OWNER, DEMO_INSURER_SLUG
from marketplace.companies.models import User
from marketplace.deals import record
from marketplace.insurance.models import CreditLimit, Declaration, LimitStatus
from marketplace.insurance.selectors import insured_receivable

pytestmark = pytest.mark.django_db


def test_seed_demo_insures_one_shipment_of_the_demo_buyer_with_the_demo_insurer_once():
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)
    buyer = User.objects.get(email=DEMO_BUYER_OWNER).company
    limit = CreditLimit.objects.get(buyer=buyer, insurer__slug=DEMO_INSURER_SLUG)
    assert limit.status == LimitStatus.APPROVED and limit.decided_by.email.startswith("insurer@")
    declaration = Declaration.objects.get(limit=limit)
    assert limit.used == declaration.limit_amount > 0
    assert declaration.certificate.open("rb").read().startswith(b"%PDF")
    assert record.verify(declaration.deal) is None
    assert [r.certificate_number for r in insured_receivable(declaration.deal)] == [declaration.number]
    call_command("seed_demo", suppliers=20, buyers=20, stdout=io.StringIO(), verbosity=0)
    assert CreditLimit.objects.count() == 1 and Declaration.objects.count() == 1
