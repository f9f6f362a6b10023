"""The provider registry and the manual methods, which ride on deals' proof upload and payee confirmation."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from marketplace.deals import milestones
from marketplace.deals.models import MilestoneStatus
from marketplace.payments import providers, services
from marketplace.payments.models import AttemptState, PaymentAttempt
from tests.marketplace.deals.factories import PDF_BYTES
from tests.marketplace.payments.conftest import pay

pytestmark = pytest.mark.django_db


def test_the_registry_holds_the_card_and_the_four_manual_methods(settings):
    assert {p.code for p in providers.registered()} >= {"stripe", "tt", "lc", "dp", "da"}
    assert all(p.manual for p in providers.registered() if p.code != "stripe")
    settings.PAYMENTS_METHODS = ["lc", "tt"]
    assert [p.code for p in providers.enabled()] == ["lc", "tt"]


def test_card_payments_are_off_without_a_secret_key(settings):
    settings.PAYMENTS_METHODS, settings.STRIPE_SECRET_KEY = ["stripe", "tt"], ""
    assert [p.code for p in providers.enabled() if p.enabled] == ["tt"]


def test_a_registered_code_is_unique():
    class Twice(providers.ManualProvider):
        code = "tt"

    with pytest.raises(ValueError, match="twice"):
        providers.register(Twice)


@pytest.mark.parametrize("method", ["tt", "lc", "dp", "da"])
def test_a_manual_payment_waits_for_the_proof_and_the_payees_confirmation(
    stripe_server, ordered, parties, method, django_capture_on_commit_callbacks
):
    milestone = ordered.milestones.get(seq=1)
    attempt = services.start(milestone=milestone, method=method, by_user=parties["buyer_user"])
    assert attempt.state == AttemptState.PENDING and attempt.provider == method
    milestones.upload_proof(
        milestone=milestone,
        by_user=parties["buyer_user"],
        upload=SimpleUploadedFile("slip.pdf", PDF_BYTES, content_type="application/pdf"),
    )
    with django_capture_on_commit_callbacks(execute=True):
        milestones.confirm_payment(
            milestone=milestone, by_user=parties["supplier_user"], paid_on=timezone.localdate()
        )
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.SETTLED
    assert milestone.__class__.objects.get(pk=milestone.pk).status == MilestoneStatus.PAID
    with pytest.raises(Exception, match="already"):
        services.start(milestone=milestone, method="stripe", by_user=parties["buyer_user"])


def test_a_card_hold_is_cancelled_when_the_payee_confirms_money_that_came_another_way(
    stripe_server, ordered, parties, django_capture_on_commit_callbacks
):
    milestone = ordered.milestones.get(seq=2)
    attempt = pay(milestone, parties["buyer_user"])
    assert attempt.state == AttemptState.AUTHORIZED
    with django_capture_on_commit_callbacks(execute=True):
        milestones.confirm_payment(
            milestone=milestone, by_user=parties["operator"], paid_on=timezone.localdate()
        )
    attempt.refresh_from_db()
    assert attempt.state == AttemptState.CANCELED
    assert PaymentAttempt.objects.filter(state__in=["authorized", "captured"]).count() == 0


def test_money_sent_outside_trustfair_is_not_refunded_by_it(stripe_server, ordered, parties):
    from marketplace.core.money import Money

    attempt = services.start(
        milestone=ordered.milestones.get(seq=1), method="tt", by_user=parties["buyer_user"]
    )
    with pytest.raises(Exception, match="Only money TrustFair took by card"):
        services.refund(attempt=attempt, amount=Money("1.00", "USD"), by_user=parties["operator"])
