"""factory_boy factories for the fair's leads."""

import uuid

import factory
from django.utils import timezone

from marketplace.fairs.models import Lead, LeadQuestion
from tests.marketplace.companies.factories import CompanyFactory
from tests.marketplace.fairs.factories import BadgeFactory, FairSessionFactory


class LeadQuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LeadQuestion

    company = factory.SubFactory(CompanyFactory, kind="supplier")
    session = factory.SubFactory(FairSessionFactory)
    text = factory.Sequence(lambda n: f"Question {n}?")


class LeadFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Lead

    company = factory.SubFactory(CompanyFactory, kind="supplier")
    badge = factory.SubFactory(BadgeFactory)
    registration = factory.LazyAttribute(lambda o: o.badge.registration)
    session = factory.LazyAttribute(lambda o: o.badge.registration.session)
    client_id = factory.LazyFunction(uuid.uuid4)
    scanned_at = factory.LazyFunction(timezone.now)
    notes = "Wants 200 units before March."
    rating = "warm"
