"""The Django admin of matchmaking: each part registers its own models."""

from marketplace.matchmaking import meetings_admin, rfq_admin  # noqa: F401
