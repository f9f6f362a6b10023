import factory
from django.utils import timezone

from marketplace.payments.models import (
    AttemptState,
    ConnectedAccount,
    PaymentAttempt,
    PaymentRefund,
    WebhookEvent,
)
from tests.marketplace.companies.factories import CompanyFactory
from tests.marketplace.deals.factories import MilestoneFactory


class PaymentAttemptFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentAttempt

    milestone = factory.SubFactory(MilestoneFactory)
    deal = factory.SelfAttribute("milestone.deal")
    number = 1
    provider = "tt"
    state = AttemptState.PENDING
    amount = factory.SelfAttribute("milestone.amount")
    currency = factory.SelfAttribute("milestone.currency")
    idempotency_key = factory.LazyAttribute(lambda o: PaymentAttempt.key_for(o.milestone.pk, o.number))


class PaymentRefundFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = PaymentRefund

    attempt = factory.SubFactory(
        PaymentAttemptFactory,
        provider="stripe",
        state=AttemptState.CAPTURED,
        captured_amount=factory.SelfAttribute("amount"),
    )
    number = 1
    amount = factory.SelfAttribute("attempt.amount")
    currency = factory.SelfAttribute("attempt.currency")
    idempotency_key = factory.LazyAttribute(lambda o: f"{o.attempt.idempotency_key}-refund-{o.number}")


class ConnectedAccountFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ConnectedAccount

    company = factory.SubFactory(CompanyFactory, kind="supplier")
    provider_account_id = factory.Sequence(lambda n: f"acct_test{n:010d}")


class WebhookEventFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WebhookEvent

    provider = "stripe"
    event_id = factory.Sequence(lambda n: f"evt_test{n:010d}")
    type = "payment_intent.succeeded"
    created = factory.LazyFunction(timezone.now)
    payload = factory.LazyAttribute(lambda o: {"id": o.event_id, "type": o.type})
