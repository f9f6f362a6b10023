"""Matchmaking's tables, one module per part: sourcing requests and quotations (rfq), meetings (meetings),
and what the ranking keeps (matching)."""

from marketplace.matchmaking.models.matching import *  # noqa: F403
from marketplace.matchmaking.models.meetings import *  # noqa: F403
from marketplace.matchmaking.models.rfq import *  # noqa: F403
