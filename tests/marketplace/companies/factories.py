"""factory_boy factories shared by every test package."""

import datetime

import factory
from allauth.account.models import EmailAddress
from django.utils import timezone

from marketplace.companies.models import (
    Company,
    CompanyKind,
    Industry,
    Invitation,
    MemberRole,
    Membership,
    User,
)
from marketplace.fairs.models import FairPhase, FairSession

PASSWORD = "correct-horse-battery-9"


class IndustryFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Industry
        django_get_or_create = ["slug"]

    slug = factory.Sequence(lambda n: f"industry-{n}")
    name = factory.Sequence(lambda n: f"Industry {n}")
    name_zh = factory.Sequence(lambda n: f"行业{n}")


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    email = factory.Sequence(lambda n: f"person{n}@example.com")
    password = factory.PostGenerationMethodCall("set_password", PASSWORD)

    @factory.post_generation
    def verified_email(obj, create, extracted, **kwargs):
        if create:
            obj.save()
            EmailAddress.objects.create(user=obj, email=obj.email, verified=True, primary=True)


class CompanyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Company

    name = factory.Sequence(lambda n: f"Acme Trading {n}")
    slug = factory.Sequence(lambda n: f"acme-trading-{n}")
    kind = CompanyKind.SUPPLIER
    country = "CN"
    city = "Ningbo"
    industry = factory.SubFactory(IndustryFactory)
    registration_number = factory.Sequence(lambda n: f"91330200{n:010d}")


class MembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Membership

    user = factory.SubFactory(UserFactory)
    company = factory.SubFactory(CompanyFactory)
    role = MemberRole.OWNER


class InvitationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Invitation

    company = factory.SubFactory(CompanyFactory)
    email = factory.Sequence(lambda n: f"invitee{n}@example.com")
    invited_by = factory.SubFactory(UserFactory)
    expires_at = factory.LazyFunction(lambda: timezone.now() + datetime.timedelta(days=7))


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
