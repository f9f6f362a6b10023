"""factory_boy factories for every model of the fairs app."""

import datetime

import factory
from django.utils import timezone

from marketplace.fairs.models import Badge, CheckIn, FairPhase, FairSession, Hall, Registration, ServicePoint
from tests.marketplace.companies.factories import CompanyFactory, UserFactory


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


class RegistrationFactory(factory.django.DjangoModelFactory):
    """A buyer pre-registered online: an account, a company, a name as the badge prints it."""

    class Meta:
        model = Registration

    session = factory.SubFactory(FairSessionFactory)
    role = "buyer"
    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory, kind="buyer", country="DE")
    full_name = factory.LazyAttribute(
        lambda o: f"{o.user.first_name} {o.user.last_name}".strip() or "Anna Weber"
    )
    company_name = factory.LazyAttribute(lambda o: o.company.name)
    country = factory.LazyAttribute(lambda o: o.company.country)
    email = factory.LazyAttribute(lambda o: o.user.email)


class BadgeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Badge

    registration = factory.SubFactory(RegistrationFactory)


class ServicePointFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ServicePoint

    session = factory.SubFactory(FairSessionFactory)
    name = factory.Sequence(lambda n: f"Service point {n + 1}")
    name_zh = factory.Sequence(lambda n: f"服务点 {n + 1}")
    location = "Hall 1.1, north entrance"


class CheckInFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CheckIn

    badge = factory.SubFactory(BadgeFactory)
    day = factory.LazyAttribute(lambda o: o.badge.registration.session.starts_on)
