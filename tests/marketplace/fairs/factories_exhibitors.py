"""factory_boy factories for booths and exhibitor applications."""

import factory

from marketplace.fairs.models import Booth, ExhibitorApplication
from tests.marketplace.companies.factories import CompanyFactory
from tests.marketplace.fairs.factories import FairPhaseFactory, HallFactory


class BoothFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Booth

    phase = factory.SubFactory(FairPhaseFactory)
    hall = factory.SubFactory(HallFactory, session=factory.SelfAttribute("..phase.session"))
    row = factory.Sequence(lambda n: n // 20 + 1)
    column = factory.Sequence(lambda n: n % 20 + 1)
    size_sqm = 9


class ExhibitorApplicationFactory(factory.django.DjangoModelFactory):
    """A pending application as a row; the rules are tested through exhibitors_services."""

    class Meta:
        model = ExhibitorApplication

    phase = factory.SubFactory(FairPhaseFactory)
    company = factory.SubFactory(CompanyFactory, kind="supplier")
    booth_size_sqm = 9


def approved_exhibitor(*, session, company, phase_number: int = 1) -> ExhibitorApplication:
    """`company` exhibits in `session` (an approved application holding a booth), as rows."""
    from tests.marketplace.fairs.factories import FairPhaseFactory as Phase

    phase = session.phases.filter(number=phase_number).first() or Phase(
        session=session, number=phase_number, starts_on=session.starts_on, ends_on=session.ends_on
    )
    return ExhibitorApplicationFactory(
        phase=phase, company=company, status="approved", booth=BoothFactory(phase=phase)
    )
