"""factory_boy factories for every model of the credit engine.

Credit imports nothing from marketplace, and neither do its tests: the subject is the model that
`CREDIT_SUBJECT_MODEL` names, reached through the app registry.
"""

import datetime as dt
import itertools
from decimal import Decimal

import factory
from django.apps import apps
from django.conf import settings
from django.utils import timezone

from credit.features import FEATURE_NAMES, monotone_constraints
from credit.kinds import SourceType
from credit.models import (
    ApiToken,
    Assessment,
    BatchChannel,
    Fact,
    GatingOverride,
    GatingPolicy,
    GatingRule,
    ImportBatch,
    ModelVersion,
    RejectedRow,
    Source,
)
from credit.tokens import issue_secret


def _industry():
    industry, _ = apps.get_model("companies", "Industry").objects.get_or_create(
        slug="machinery", defaults={"name": "Machinery"}
    )
    return industry


class SubjectFactory(factory.django.DjangoModelFactory):
    """A scored company, joined on 1 January 2020 unless `created_at` says otherwise."""

    class Meta:
        model = settings.CREDIT_SUBJECT_MODEL

    name = factory.Sequence(lambda n: f"Subject {n}")
    slug = factory.Sequence(lambda n: f"subject-{n}")
    kind = "supplier"
    country = "CN"
    industry = factory.LazyFunction(_industry)
    registration_number = factory.Sequence(lambda n: f"SUBJ{n:06d}")
    created_at = dt.datetime(2020, 1, 1, tzinfo=dt.UTC)


class SourceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Source
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"bank-{n}")
    name = factory.LazyAttribute(lambda o: o.code.title())
    source_type = SourceType.BANK


class ApiTokenFactory(factory.django.DjangoModelFactory):
    """A token whose raw value is on `token.raw` (it is never stored), the way `api_token_create` makes one."""

    class Meta:
        model = ApiToken

    source = factory.SubFactory(SourceFactory)
    name = "Nightly feed"

    @classmethod
    def _create(cls, model_class, *args, **kwargs):
        token = model_class(**kwargs)
        raw = issue_secret(token)
        token.save()
        token.raw = raw
        return token


class ImportBatchFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ImportBatch

    source = factory.SubFactory(SourceFactory)
    channel = BatchChannel.COMMAND
    file_name = "feed.csv"


class RejectedRowFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RejectedRow

    batch = factory.SubFactory(ImportBatchFactory)
    line = factory.Sequence(lambda n: n + 2)
    field = "occurred_at"
    reason = "Not a date."
    raw = factory.LazyFunction(lambda: {"occurred_at": "yesterday"})


class FactFactory(factory.django.DjangoModelFactory):
    """A fact written as a row; `credit.facts.record` is the way in that checks the payload."""

    class Meta:
        model = Fact

    source = factory.SubFactory(SourceFactory)
    subject = factory.SubFactory(SubjectFactory)
    kind = "invoice_paid"
    payload = factory.LazyAttribute(
        lambda o: {
            "amount": "12000.00",
            "currency": "USD",
            "due_date": (o.occurred_at - dt.timedelta(days=5)).date().isoformat(),
            "paid_date": o.occurred_at.date().isoformat(),
            "invoice": "INV-1",
        }
    )
    amount = 12000
    currency = "USD"
    metric = -5.0
    occurred_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(days=30))
    known_at = factory.LazyAttribute(lambda o: o.occurred_at)
    external_ref = factory.Sequence(lambda n: f"ref-{n}")


class ModelVersionFactory(factory.django.DjangoModelFactory):
    """The expert scorecard as a model version; trained XGBoost versions come from `credit.training`."""

    class Meta:
        model = ModelVersion

    version = factory.Sequence(lambda n: n + 1)
    kind = ModelVersion.Kind.SCORECARD
    status = ModelVersion.Status.CHALLENGER  # a champion is what `credit.index` installs itself
    feature_names = factory.LazyFunction(lambda: list(FEATURE_NAMES))
    monotone = factory.LazyFunction(lambda: list(monotone_constraints()))


class AssessmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assessment

    subject = factory.SubFactory(SubjectFactory)
    model_version = factory.SubFactory(ModelVersionFactory)
    as_of = factory.LazyFunction(timezone.now)
    index = 720
    grade = "BBB"
    probability = 0.02
    subscores = factory.LazyFunction(
        lambda: {
            "identity_compliance": 80,
            "trade_performance": 70,
            "financial_strength": 60,
            "insurance": 50,
            "participation_reputation": 40,
        }
    )
    reasons = factory.LazyFunction(lambda: [{"feature": "on_time_share", "text": "Pays on time"}])
    features = factory.LazyFunction(lambda: {"on_time_share": 0.96})
    facts_fingerprint = "0" * 64


# --- gating (G) ---


def _risk_officer():
    return apps.get_model(*settings.AUTH_USER_MODEL.split(".")).objects.create_user(
        email=f"risk-{next(_officers)}@example.com", platform_role="risk_officer"
    )


_officers = itertools.count(1)


class GatingPolicyFactory(factory.django.DjangoModelFactory):
    """A policy version after the seeded one (version 1); add its rows with GatingRuleFactory."""

    class Meta:
        model = GatingPolicy

    version = factory.Sequence(lambda n: n + 100)
    base_currency = "USD"
    reason = "Test version"


class GatingRuleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GatingRule

    policy = factory.SubFactory(GatingPolicyFactory)
    grade = "BBB"
    allowed_terms = factory.LazyFunction(lambda: ["prepayment", "lc_sight", "dp", "da"])
    credit_limit = Decimal("100000")
    max_term_days = 60


class GatingOverrideFactory(factory.django.DjangoModelFactory):
    """An override in effect, below the four-eyes amount."""

    class Meta:
        model = GatingOverride

    reference = factory.Sequence(lambda n: f"deal:{n + 1}")
    subject = factory.SubFactory(SubjectFactory)
    action = "open_account"
    amount = Decimal("10000")
    currency = "USD"
    term_days = 30
    amount_base = factory.LazyAttribute(lambda o: o.amount)
    base_currency = "USD"
    reason = "Long-standing customer; bank guarantee on file."
    status = GatingOverride.Status.EFFECTIVE
    requested_by = factory.LazyFunction(_risk_officer)
