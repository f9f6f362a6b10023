import pytest

from marketplace.companies.demo import DEMO_BUYER_OWNER
from marketplace.payments.demo import seed_payments
from marketplace.payments.models import AttemptState, PaymentAttempt

pytestmark = pytest.mark.django_db


def test_the_demo_buyer_has_a_bank_transfer_waiting_for_its_proof_once(ordered, parties):
    users = {DEMO_BUYER_OWNER: parties["buyer_user"]}
    assert seed_payments(users=users) == 1
    attempt = PaymentAttempt.objects.get()
    assert attempt.provider == "tt" and attempt.state == AttemptState.PENDING and attempt.milestone.seq == 1
    assert seed_payments(users=users) == 0
    assert PaymentAttempt.objects.count() == 1
