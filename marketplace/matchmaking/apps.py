from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MatchmakingConfig(AppConfig):
    name = "marketplace.matchmaking"
    label = "matchmaking"
    verbose_name = _("Matchmaking")

    def ready(self):
        from marketplace.matchmaking import ranking_receivers  # noqa: F401  (connects the ranking's receivers)
