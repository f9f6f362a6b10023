"""The fair's tables, one module per part: sessions, phases and halls (sessions); booths and exhibitors
(exhibitors); registrations, badges, service points and check-ins (badges); leads captured at the booth
(leads); hosted buyer meetings (hosted)."""

from marketplace.fairs.models.badges import *  # noqa: F403
from marketplace.fairs.models.exhibitors import *  # noqa: F403
from marketplace.fairs.models.hosted import *  # noqa: F403
from marketplace.fairs.models.leads import *  # noqa: F403
from marketplace.fairs.models.sessions import *  # noqa: F403
