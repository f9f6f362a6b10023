"""The factories tests imported from here before each app had its own module: re-exported, unchanged.

New tests import from the app's module (`tests.marketplace.companies.factories`, `...fairs.factories`).
"""

from tests.marketplace.companies.factories import (  # noqa: F401
    PASSWORD,
    CompanyFactory,
    IndustryFactory,
    InvitationFactory,
    MembershipFactory,
    UserFactory,
    VerificationDecisionFactory,
    VerificationDocumentFactory,
    buyer_member,
    supplier_member,
)
from tests.marketplace.fairs.factories import FairPhaseFactory, FairSessionFactory, HallFactory  # noqa: F401
