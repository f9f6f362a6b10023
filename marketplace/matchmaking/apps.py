from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "marketplace.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        # Meetings' notifications and the ranking's receivers.
        from marketplace.matchmaking import meetings_receivers, ranking_receivers  # noqa: F401
