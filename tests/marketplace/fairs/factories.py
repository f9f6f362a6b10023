"""factory_boy factories for every model of the fairs app."""

import datetime

import factory
from django.utils import timezone

from marketplace.fairs.models import FairPhase, FairSession, Hall


class FairSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FairSession

    name = factory.Sequence(lambda n: f"Session {n}")
    slug = factory.Sequence(lambda n: f"session-{n}")
    venue = "Pazhou Complex"
    city = "Guangzhou"
    country = "CN"
    starts_on = factory.LazyFunction(lambda: timezone.localdate() + datetime.timedelta(days=30))
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=19))


class FairPhaseFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = FairPhase

    session = factory.SubFactory(FairSessionFactory)
    number = factory.Sequence(lambda n: n + 1)
    starts_on = factory.LazyAttribute(lambda o: o.session.starts_on)
    ends_on = factory.LazyAttribute(lambda o: o.starts_on + datetime.timedelta(days=4))


class HallFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Hall

    session = factory.SubFactory(FairSessionFactory)
    code = factory.Sequence(lambda n: f"{n % 20 + 1}.{n // 20 + 1}")
    name = factory.LazyAttribute(lambda o: f"Hall {o.code}")
    name_zh = factory.LazyAttribute(lambda o: f"{o.code}号馆")
    area_sqm = 10_000
