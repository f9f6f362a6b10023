"""The Django admin of matchmaking: each part registers its own models."""

from marketplace.matchmaking import matches_admin, meetings_admin, rfq_admin  # noqa: F401
